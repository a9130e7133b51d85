// Progress of long CLI operations: shown on a real terminal (a pseudo-terminal from util-linux `script`), never in a
// pipe or a file, and erased before the command's own output; no colour anywhere, NO_COLOR or not.
/* eslint-disable no-control-regex -- these tests look for terminal control sequences */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, runCli, writeKeyPair, type KeyFiles } from './cli-harness.js';
import { runCliInTerminal } from './cli-terminal.js';

const SECRETS = 200;
const ERASE = '\r\u001b[K';
const SGR = /\u001b\[[0-9;]*m/;

let dir: string;
let cleanup: () => Promise<void>;
let key: KeyFiles;
let secrets: string;
before(async () => {
  ({ dir, cleanup } = await makeTempDir());
  key = await writeKeyPair(dir, 'seal');
  secrets = join(dir, 'secrets.yaml');
  const docs = Array.from(
    { length: SECRETS },
    (_, i) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s${i}, namespace: prod}\nstringData: {a: value-${i}}\n`,
  );
  await writeFile(secrets, docs.join('---\n'));
});
after(() => cleanup());

test('seal of many Secrets: "sealed N/200" on a terminal, erased at the end; nothing in a pipe', async () => {
  const out = join(dir, 'tty.yaml');
  const tty = await runCliInTerminal(['seal', '--cert', key.certPath, '-f', secrets, '-w', out]);
  assert.equal(tty.code, 0, tty.screen);
  assert.match(tty.screen, /\rsealed \d+\/200\u001b\[K/, 'progress shows on the terminal');
  assert.ok(tty.screen.includes(`\rsealed 200/200\u001b[K${ERASE}`), 'the last count, then the line is erased');
  assert.equal((await readFile(out, 'utf8')).match(/^kind: SealedSecret$/gm)?.length, SECRETS);

  const piped = await runCli(['seal', '--cert', key.certPath, '-f', secrets, '-w', join(dir, 'pipe.yaml')]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stderr.split('\n').length, 2, `one notice line only: ${JSON.stringify(piped.stderr)}`);
  assert.doesNotMatch(piped.stderr, /sealed \d|\r|\u001b/);

  // stdout on the terminal but stderr (where progress goes) into a file: no progress anywhere.
  const redirected = await runCliInTerminal(['seal', '--cert', key.certPath, '-f', secrets], {
    redirect: `2>${join(dir, 'err.txt')}`,
  });
  assert.equal(redirected.code, 0, redirected.screen);
  assert.doesNotMatch(redirected.screen, /sealed \d+\/200/);
  assert.doesNotMatch(await readFile(join(dir, 'err.txt'), 'utf8'), /sealed \d|\u001b/);
});

test('reencrypt over many files: "reencrypted N/M" on a terminal; nothing in a pipe', async () => {
  const files: string[] = [];
  for (let f = 0; f < 20; f += 1) {
    const path = join(dir, `sealed-${f}.yaml`);
    const docs = Array.from(
      { length: 5 },
      (_, i) =>
        `apiVersion: v1\nkind: Secret\nmetadata: {name: f${f}-s${i}, namespace: prod}\nstringData: {a: v${i}}\n`,
    );
    await writeFile(join(dir, `plain-${f}.yaml`), docs.join('---\n'));
    const sealed = await runCli(['seal', '--cert', key.certPath, '-f', join(dir, `plain-${f}.yaml`), '-w', path]);
    assert.equal(sealed.code, 0, sealed.stderr);
    files.push(path);
  }
  const args = ['reencrypt', '--private-key', key.keyPath, '--cert', key.certPath, ...files.flatMap((f) => ['-f', f])];
  const tty = await runCliInTerminal(args);
  assert.equal(tty.code, 0, tty.screen);
  assert.ok(tty.screen.includes(`\rreencrypted 100/100\u001b[K${ERASE}`), tty.screen.slice(0, 500));

  const piped = await runCli(args);
  assert.equal(piped.code, 0, piped.stderr);
  assert.doesNotMatch(piped.stderr, /reencrypted|\r|\u001b/);
});

test('no colour on a terminal, with or without NO_COLOR (help, seal, errors)', async () => {
  for (const env of [{}, { NO_COLOR: '1' }] as Record<string, string>[]) {
    for (const args of [['--help'], ['seal', '--cert', key.certPath, '-f', secrets], ['seal', '--nope']]) {
      const tty = await runCliInTerminal(args, { env });
      assert.doesNotMatch(tty.screen, SGR, `${args.join(' ')} ${JSON.stringify(env)}`);
    }
  }
});
