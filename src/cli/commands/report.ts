import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('report')
    .description('size and cost report of an hlsq model: parameters, weight bits, multipliers, bit operations, memory')
    .argument('<model.json>', 'the hlsq model')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      // the library is loaded on use, so every command starts without loading every other's dependencies
      const [{ loadModel }, { formatReport, modelReport }] = await Promise.all([import('../../model/load.js'), import('../../model/report.js')]);
      const r = modelReport(loadModel(file));
      process.stdout.write(o.json ? JSON.stringify(r, null, 2) + '\n' : formatReport(r));
    });
}
