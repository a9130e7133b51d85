// Part 4 of issue 18, "keep it true": every `gitseal …` and `gitseal-controller …` command and flag that README.md
// and docs/*.md name exists in the programs (their --help, run as processes, is the reference). A stale claim fails
// with the document's file and line. docs/cli.md is generated from the program itself and is not read here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { BIN, REPO_ROOT } from './cli-harness.js';
import { CONTROLLER_BIN } from './controller-harness.js';
import {
  checkInvocation,
  findInvocations,
  parseHelp,
  type CommandHelp,
  type DocInvocation,
} from './doc-invocations.js';

const run = promisify(execFile);
const BINS: Record<DocInvocation['program'], string> = { gitseal: BIN, 'gitseal-controller': CONTROLLER_BIN };

/** `<program> <path…> --help`, parsed, once per command. */
function helpReader(): (program: DocInvocation['program'], path: readonly string[]) => Promise<CommandHelp> {
  const cache = new Map<string, Promise<CommandHelp>>();
  return (program, path) => {
    const key = [program, ...path].join(' ');
    let help = cache.get(key);
    if (help === undefined) {
      help = run(process.execPath, [BINS[program], ...path, '--help'], {
        cwd: REPO_ROOT,
        env: { ...process.env, KUBECONFIG: '/nonexistent/kubeconfig' },
      }).then(({ stdout }) => parseHelp(stdout));
      cache.set(key, help);
    }
    return help;
  };
}

function documents(): { file: string; text: string }[] {
  const docs = readdirSync(join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md') && name !== 'cli.md')
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs].map((file) => ({ file, text: readFileSync(join(REPO_ROOT, file), 'utf8') }));
}

async function problemsOf(invocations: readonly DocInvocation[]): Promise<string[]> {
  const help = helpReader();
  const problems: string[] = [];
  for (const invocation of invocations) {
    problems.push(...(await checkInvocation(invocation, (path) => help(invocation.program, path))));
  }
  return problems;
}

test('every gitseal and gitseal-controller command and flag the README and docs name exists', async () => {
  const invocations = documents().flatMap(({ file, text }) => findInvocations(file, text));
  const programs = new Set(invocations.map((i) => i.program));
  assert.ok(invocations.length > 100, `the docs name many invocations (found ${invocations.length})`);
  assert.deepEqual([...programs].sort(), ['gitseal', 'gitseal-controller']);
  const problems = await problemsOf(invocations);
  assert.deepEqual(problems, [], `stale claims in the docs:\n${problems.join('\n')}`);
});

test('the check reports a stale command, a stale flag and a stale controller flag with file and line', async () => {
  const doc = [
    '# Example',
    '',
    'Run `gitseal sync trigger NAME` to sync, or `gitseal sync now NAME --wait [--timeout 2m]`.',
    '```sh',
    'gitseal seal --cert cert.pem -f s.yaml --no-such-flag > out.yaml   # a comment: --ignored',
    'helm install gitseal deploy/helm/gitseal -n gitseal-system',
    'kubectl exec pod -- gitseal-controller --version --leader-elect --no-leader-elect --shard off',
    'gitseal ui: serving context prod at http://127.0.0.1:40135/',
    '```',
    'Also `gitseal sync suspend|resume NAME` and `gitseal sync suspend|pause NAME`.',
  ].join('\n');
  const invocations = findInvocations('docs/example.md', doc);
  assert.equal(invocations.length, 7);
  assert.deepEqual(await problemsOf(invocations), [
    'docs/example.md:3: `gitseal sync trigger NAME`: gitseal sync has no command trigger',
    'docs/example.md:5: `gitseal seal --cert cert.pem -f s.yaml --no-such-flag > out.yaml`: gitseal seal has no option --no-such-flag',
    'docs/example.md:7: `gitseal-controller --version --leader-elect --no-leader-elect --shard off`: gitseal-controller has no option --shard',
    'docs/example.md:10: `gitseal sync suspend|pause NAME`: gitseal sync has no command pause',
  ]);
});
