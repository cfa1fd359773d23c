import type { Command } from 'commander';
import { loadModel } from '../../model/load.js';
import { formatReport, modelReport } from '../../model/report.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('size and cost report of an hlsq model: parameters, weight bits, multipliers, bit operations, memory')
    .argument('<model.json>', 'the hlsq model')
    .option('--json', 'print the report as JSON')
    .action((file: string, o: { json?: boolean }) => {
      const r = modelReport(loadModel(file));
      process.stdout.write(o.json ? JSON.stringify(r, null, 2) + '\n' : formatReport(r));
    });
}
