import type { Command } from 'commander';

/**
 * Every command registers itself here, in the order `hlsq --help` lists them. Each command file exports
 * `register(program)`; add one import and one line per command.
 */
export function registerAll(program: Command): void {
  void program;
}
