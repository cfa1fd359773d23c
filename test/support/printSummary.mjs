// Prints vitest's JSON report as the plain closing line CI reads: "N passed, M failed, K skipped".
import { readFileSync } from 'node:fs';

const file = process.argv[2];
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
} catch (e) {
  console.log(`test summary unavailable (${file}: ${e.message})`);
  process.exitCode = 1;
}
