import { Command } from 'commander';
import { readFileSync } from 'node:fs';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('gitseal')
    .description('Seal Kubernetes Secrets for Git and drive gitseal GitSyncs')
    .version(packageVersion());
  await program.parseAsync(argv);
  return 0;
}
