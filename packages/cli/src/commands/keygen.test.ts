import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CliError } from '../cli-error.js';
import { runKeygen } from './keygen.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitseal-keygen-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('keygen --force keeps the old key when the certificate cannot be written', async () => {
  const outKey = join(dir, 'old.key');
  await writeFile(outKey, 'OLD KEY', { mode: 0o600 });
  const outCert = join(dir, 'missing-dir', 'cert.pem');
  await assert.rejects(runKeygen({ outKey, outCert, bits: 2048, force: true }), (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.match(error.message, /cert\.pem: cannot write: no such file/);
    return true;
  });
  assert.equal(await readFile(outKey, 'utf8'), 'OLD KEY');
});

test('keygen without --force creates neither file when the certificate exists', async () => {
  const outKey = join(dir, 'new.key');
  const outCert = join(dir, 'taken.pem');
  await writeFile(outCert, 'OLD CERT');
  await assert.rejects(runKeygen({ outKey, outCert, bits: 2048 }), /already exists/);
  await assert.rejects(stat(outKey));
  assert.equal(await readFile(outCert, 'utf8'), 'OLD CERT');
});

test('keygen --force replaces both files', async () => {
  const outKey = join(dir, 'both.key');
  const outCert = join(dir, 'both.pem');
  await writeFile(outKey, 'OLD KEY');
  await writeFile(outCert, 'OLD CERT');
  await runKeygen({ outKey, outCert, bits: 2048, force: true });
  assert.match(await readFile(outKey, 'utf8'), /BEGIN (RSA )?PRIVATE KEY/);
  assert.match(await readFile(outCert, 'utf8'), /BEGIN CERTIFICATE/);
});
