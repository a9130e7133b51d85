// `-o json|yaml` of the file commands (cert, validate --offline) and repeatable key flags, with the real CLI process:
// stable documents for scripts (apiVersion cli.gitseal.dev/v1alpha1), errors still one line on stderr.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseCertificate } from '@gitseal/crypto';
import { load } from 'js-yaml';
import { assertFailure, makeTempDir, runCli, writeKeyPair, type KeyFiles } from './cli-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
let key: KeyFiles;
let other: KeyFiles;
before(async () => {
  ({ dir, cleanup } = await makeTempDir());
  key = await writeKeyPair(dir, 'mine');
  other = await writeKeyPair(dir, 'other');
});
after(() => cleanup());

test('cert -o json|yaml: fingerprint, key id, subject, validity and PEM; the notice stays on stderr', async () => {
  const json = await runCli(['cert', '--cert', key.certPath, '-o', 'json']);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stderr.split('\n').length, 2, 'the one certificate line on stderr');
  const info = parseCertificate(key.certPem);
  const doc = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc), [
    'apiVersion',
    'kind',
    'fingerprint',
    'keyId',
    'subject',
    'issuer',
    'serialNumber',
    'notBefore',
    'notAfter',
    'source',
    'checked',
    'pem',
  ]);
  assert.equal(doc['apiVersion'], 'cli.gitseal.dev/v1alpha1');
  assert.equal(doc['kind'], 'Certificate');
  assert.equal(doc['fingerprint'], info.fingerprint);
  assert.equal(doc['keyId'], info.keyId);
  assert.equal(doc['notBefore'], info.notBefore.toISOString());
  assert.equal(doc['notAfter'], info.notAfter.toISOString());
  assert.match(String(doc['subject']), /CN=/);
  assert.equal(doc['source'], key.certPath);
  assert.equal(doc['pem'], key.certPem);
  const yaml = await runCli(['cert', '--cert', key.certPath, '--output', 'yaml']);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.deepEqual(load(yaml.stdout), doc);

  assertFailure(await runCli(['cert', '--cert', key.certPath, '--fingerprint', '-o', 'json']), {
    code: 2,
    mentions: ['--fingerprint', '--output'],
  });
  assertFailure(await runCli(['cert', '--cert', join(dir, 'missing.pem'), '-o', 'json']), {
    code: 1,
    mentions: ['missing.pem'],
  });
});

async function sealTo(cert: KeyFiles, name: string): Promise<string> {
  const secret = `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: prod}\nstringData: {a: x}\n`;
  const result = await runCli(['seal', '--cert', cert.certPath], { input: secret });
  assert.equal(result.code, 0, result.stderr);
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, result.stdout);
  return path;
}

test('validate --offline -o json: one result per object and per unreadable file; problems exit 1, one stderr line', async () => {
  const good = await sealTo(key, 'good');
  const foreign = await sealTo(other, 'foreign');
  const broken = join(dir, 'broken.yaml');
  await writeFile(broken, 'kind: [unclosed\n');
  const fingerprint = parseCertificate(key.certPem).fingerprint;

  const ok = await runCli(['validate', '--offline', '--cert', key.certPath, '-f', good, '-o', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stderr, '');
  assert.deepEqual(JSON.parse(ok.stdout), {
    apiVersion: 'cli.gitseal.dev/v1alpha1',
    kind: 'ValidationReport',
    mode: 'offline',
    certificate: fingerprint,
    checked: 1,
    valid: true,
    results: [{ file: good, namespace: 'prod', name: 'good', valid: true, problems: [], keys: null }],
  });

  const args = ['validate', '--offline', '--cert', key.certPath, '-f', good, '-f', foreign, '-f', broken];
  const mixed = await runCli([...args, '-o', 'json']);
  assert.equal(mixed.code, 1);
  assert.equal(mixed.stderr, 'gitseal: validate: 2 problem(s) in 3 file(s)\n');
  const report = JSON.parse(mixed.stdout) as {
    valid: boolean;
    checked: number;
    results: { file: string; name: string | null; valid: boolean; problems: string[] }[];
  };
  assert.equal(report.valid, false);
  assert.equal(report.checked, 2);
  assert.deepEqual(
    report.results.map((r) => [r.file, r.name, r.valid, r.problems.length]),
    [
      [good, 'good', true, 0],
      [foreign, 'foreign', false, 1],
      [broken, null, false, 1],
    ],
  );
  assert.match(report.results[1]?.problems[0] ?? '', /foreign: key "a": sealed for key /);

  const text = await runCli(args);
  assert.equal(text.code, 1);
  assert.equal(text.stdout, '', 'text keeps its contract: problems on stderr, nothing on stdout');
  assert.equal(text.stderr.trimEnd().split('\n').length, 3);
});

test('two --from-file with the same key are refused, naming the key; --raw takes one value', async () => {
  const a = join(dir, 'a.txt');
  const b = join(dir, 'b.txt');
  await writeFile(a, 'first');
  await writeFile(b, 'second');
  const raw = ['seal', '--raw', '--cert', key.certPath, '-n', 'prod', '--name', 'db'];
  assertFailure(await runCli([...raw, '--from-file', `password=${a}`, '--from-file', `password=${b}`]), {
    code: 2,
    mentions: ['--from-file', 'key "password" given twice', a, b],
    markers: ['first', 'second'],
  });
  // The key defaults to the basename: a.txt twice is the same key.
  assertFailure(await runCli([...raw, '--from-file', a, '--from-file', a]), {
    code: 2,
    mentions: ['key "a.txt" given twice'],
  });
  assertFailure(await runCli([...raw, '--from-file', `x=${a}`, '--from-file', `y=${b}`]), {
    code: 2,
    mentions: ['--raw seals one value'],
  });
  const one = await runCli([...raw, '--from-file', `password=${a}`]);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^gs2:/);
  assert.ok(!(await readFile(a, 'utf8')).includes('gs2'), 'the input file is left alone');
});
