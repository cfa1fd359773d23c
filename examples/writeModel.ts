/** What every example generator does when run as a script: freeze its model and write it beside the source. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelJson } from '../src/model/format.js';
import { loadModel } from '../src/model/load.js';
import { freeze } from '../src/model/quanto.js';
import { saveModel } from '../src/model/save.js';

/**
 * Writes examples/<name>/model.json from `build()` when `moduleUrl` (the generator's import.meta.url) is
 * the script node was started with; does nothing when the generator is only imported.
 */
export function writeModelWhenRun(moduleUrl: string, name: string, build: () => ModelJson): void {
  const file = fileURLToPath(moduleUrl);
  if (!process.argv[1] || file !== process.argv[1]) return;
  // Compiled into build/examples/examples/<name>/; the model belongs next to the source.
  const out = join(dirname(file), '..', '..', '..', '..', 'examples', name, 'model.json');
  saveModel(freeze(loadModel(build())), out);
  process.stdout.write(`wrote ${out}\n`);
}
