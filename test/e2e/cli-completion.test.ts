// `gitseal completion bash|zsh|fish` loaded into the real shells: bash through its programmable-completion API
// (complete -p, COMP_WORDS/COMP_CWORD, COMPREPLY), zsh through a real interactive zsh on a pseudo-terminal (zpty)
// pressing Tab, fish through `complete -C`. The scripts come from the program, so the words checked here are the
// program's own; the test also checks every subcommand and flag of the program is offered somewhere.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { isCI } from '../support/index.js';
import { assertSuccess, makeTempDir, runCli } from './cli-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
after(() => cleanup());

/** The shell's path, or undefined (the test skips locally, fails under CI: .ci/run installs zsh and fish). */
function shell(t: TestContext, name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (found !== '') return found;
  if (isCI()) throw new Error(`${name} not found: .ci/run installs it (apt-get install ${name})`);
  t.skip(`${name} not installed (Debian: apt-get install ${name})`);
  return undefined;
}

async function script(name: 'bash' | 'zsh' | 'fish'): Promise<string> {
  const result = await runCli(['completion', name]);
  assertSuccess(result);
  const path = join(dir, `completion.${name}`);
  await writeFile(path, result.stdout);
  return path;
}

function run(command: string, args: readonly string[], input?: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', input, timeout: 20_000, cwd: dir });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Completes `line` (the cursor at its end) in bash through the loaded script, as readline would. */
const BASH_COMPLETE = `
source "$1"
shift
for line in "$@"; do
  read -ra COMP_WORDS <<< "$line"
  [[ $line == *' ' ]] && COMP_WORDS+=('')
  COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
  COMP_LINE=$line COMP_POINT=\${#line}
  COMPREPLY=()
  "$(complete -p "\${COMP_WORDS[0]}" | sed -E 's/.* -F ([^ ]+) .*/\\1/')"
  echo "\${COMPREPLY[*]}"
done`;

test('bash: complete -p registers gitseal and kubectl-gitseal; Tab completes subcommands, flags and values', async (t) => {
  const bash = shell(t, 'bash');
  if (bash === undefined) return;
  const path = await script('bash');
  const registered = run(bash, ['-c', `source "${path}"; complete -p gitseal; complete -p kubectl-gitseal`]);
  assert.match(registered, /^complete .*-F _gitseal gitseal$/m);
  assert.match(registered, /^complete .*-F _gitseal kubectl-gitseal$/m);
  await writeFile(join(dir, 'secret.yaml'), '');
  const lines = [
    'gitseal sy',
    'gitseal sync ',
    'gitseal sync list -',
    'gitseal sync list -o ',
    'gitseal seal --scope n',
    'gitseal completion ',
    'gitseal cert -',
    'gitseal seal -f secr',
    'kubectl-gitseal sync st',
  ];
  const out = run(bash, ['-c', BASH_COMPLETE, 'bash', path, ...lines]).split('\n');
  assert.equal(out[0], 'sync');
  assert.equal(out[1], 'list status now suspend resume events tree history rollback');
  assert.deepEqual(
    out[2]?.split(' ').sort(),
    [
      '-A',
      '--all-namespaces',
      '-o',
      '--output',
      '-n',
      '--namespace',
      '--kubeconfig',
      '--context',
      '-h',
      '--help',
    ].sort(),
  );
  assert.equal(out[3], 'text json yaml');
  assert.equal(out[4], 'namespace-wide');
  assert.equal(out[5], 'bash zsh fish');
  assert.ok(out[6]?.split(' ').includes('--output'), `cert offers -o/--output: ${out[6]}`);
  assert.equal(out[7], 'secret.yaml', 'the value of -f completes file names');
  assert.equal(out[8], 'status');
});

test('the scripts offer every subcommand and flag the program has (generated, so they never drift)', async () => {
  const help = await runCli(['sync', 'list', '--help']);
  assertSuccess(help);
  const flags = [...help.stdout.matchAll(/(?:^|\s)(--?[a-zA-Z][\w-]*)/gm)].map((m) => m[1]);
  const bash = await runCli(['completion', 'bash']);
  const fish = await runCli(['completion', 'fish']);
  const zsh = await runCli(['completion', 'zsh']);
  for (const text of [bash.stdout, fish.stdout, zsh.stdout]) {
    for (const flag of new Set(flags)) assert.ok(text.includes(`'${flag}'`), `sync list ${flag} is offered`);
    for (const command of [
      'seal',
      'unseal',
      'reencrypt',
      'validate',
      'cert',
      'keygen',
      'diff',
      'ui',
      'sync',
      'keys',
      'completion',
    ]) {
      assert.ok(text.includes(`'${command}'`), `${command} is offered`);
    }
  }
});

test('zsh: a real interactive zsh completes gitseal sy<Tab>li<Tab>-o j<Tab>', async (t) => {
  const zsh = shell(t, 'zsh');
  if (zsh === undefined) return;
  const path = await script('zsh');
  assert.equal(run(zsh, ['-n', path]), '', 'zsh -n: the script parses');
  // An interactive zsh on a pseudo-terminal (zsh/zpty) gets Tab keys; gitseal is a function there that prints the
  // completed command line, so what Enter runs is what completion typed.
  const driver = `
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z 'PS1="> "; autoload -U compinit; compinit -u -d ${join(dir, 'zcompdump')}; source ${path}; gitseal() { print -r -- "RESULT:$*:" }'
zpty -w -n z $'gitseal sy\\t'
sleep 0.5
zpty -w -n z $'li\\t'
sleep 0.5
zpty -w -n z $'-o j\\t\\n'
out=''
for i in {1..100}; do
  if zpty -r -t z line; then out+=$line; else sleep 0.1; fi
  [[ $out == *RESULT:[a-z]*:* ]] && break
done
zpty -d z
print -r -- "$out"`;
  const out = run(zsh, ['-f', '-c', driver]);
  assert.match(out.replace(/\r/g, ''), /RESULT:sync list -o json:/);
});

test('fish: complete -C completes subcommands, flags and values', async (t) => {
  const fish = shell(t, 'fish');
  if (fish === undefined) return;
  const path = await script('fish');
  run(fish, ['-n', path]);
  const ask = (line: string): string[] =>
    run(fish, ['-c', `source ${path}; complete -C ${JSON.stringify(line)}`])
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t')[0] ?? '');
  assert.deepEqual(ask('gitseal sy'), ['sync']);
  assert.deepEqual(ask('gitseal sync ').sort(), [
    'events',
    'history',
    'list',
    'now',
    'resume',
    'rollback',
    'status',
    'suspend',
    'tree',
  ]);
  assert.deepEqual(ask('gitseal sync list -o ').sort(), ['json', 'text', 'yaml']);
  assert.deepEqual(ask('gitseal completion ').sort(), ['bash', 'fish', 'zsh']);
  assert.ok(ask('gitseal validate --').includes('--output'));
});
