// The entry of the CLI bundle (dist/gitseal.cjs, made by scripts/bundle.mjs), which bin/gitseal.js loads.
import { main } from './main.js';

/** Runs the CLI on process.argv-shaped arguments and returns its exit code (see main). */
export async function run(argv: string[]): Promise<number> {
  return main(argv);
}
