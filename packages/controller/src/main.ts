import { Command } from 'commander';
import { readFileSync } from 'node:fs';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('gitseal-controller')
    .description('Unseals SealedSecrets and syncs GitSyncs from Git into the cluster')
    .version(packageVersion());
  await program.parseAsync(argv);
}
