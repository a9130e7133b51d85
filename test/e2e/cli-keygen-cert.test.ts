import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  assertFailure,
  assertSuccess,
  certLine,
  makeTempDir,
  loadVectorKeys,
  runCli,
  writeKeyPair,
  writeBadCerts,
  type KeyFiles,
} from './cli-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
let pair: KeyFiles;

before(async () => {
  ({ dir, cleanup } = await makeTempDir());
  pair = await writeKeyPair(dir, 'main');
});
after(() => cleanup());

describe('gitseal keygen', () => {
  test('writes a 0600 key and a certificate whose fingerprint gitseal cert prints', async () => {
    const key = join(dir, 'kg.key');
    const cert = join(dir, 'kg.crt');
    const made = await runCli(['keygen', '--out-key', key, '--out-cert', cert, '--bits', '2048']);
    assertSuccess(made);
    assert.equal((await stat(key)).mode & 0o777, 0o600);
    assert.match(await readFile(key, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----\n/);
    const fp = await runCli(['cert', '--cert', cert, '--fingerprint']);
    assertSuccess(fp, [certLine('certificate', await readFile(cert, 'utf8'), cert)]);
    assert.match(fp.stdout, /^SHA256:[A-Za-z0-9+/]{43}\n$/);
    assert.ok(made.stdout.startsWith(fp.stdout.trim()), 'keygen prints the same fingerprint');
  });

  test('refuses to overwrite existing files without --force, and leaves them alone', async () => {
    const key = join(dir, 'existing.key');
    const cert = join(dir, 'existing.crt');
    await writeFile(key, 'old key');
    const result = await runCli(['keygen', '--out-key', key, '--out-cert', cert, '--bits', '2048']);
    assertFailure(result, { mentions: [key, 'already exists'] });
    assert.equal(await readFile(key, 'utf8'), 'old key');
    await assert.rejects(stat(cert));
    assertSuccess(await runCli(['keygen', '--out-key', key, '--out-cert', cert, '--bits', '2048', '--force']));
    assert.match(await readFile(key, 'utf8'), /RSA PRIVATE KEY/);
    assert.equal((await stat(key)).mode & 0o777, 0o600);
  });

  test('refuses keys below 2048 bits', async () => {
    const result = await runCli([
      'keygen',
      '--out-key',
      join(dir, 's.key'),
      '--out-cert',
      join(dir, 's.crt'),
      '--bits',
      '1024',
    ]);
    assertFailure(result, { mentions: ['1024'] });
    await assert.rejects(stat(join(dir, 's.key')));
  });
});

describe('gitseal cert', () => {
  test('prints the PEM of --cert (its fingerprint on stderr), and kubeseal --fetch-cert means the same', async () => {
    const result = await runCli(['cert', '--cert', pair.certPath]);
    const line = certLine('certificate', pair.certPem, pair.certPath);
    assertSuccess(result, [line]);
    assert.equal(result.stdout.trim(), pair.certPem.trim());
    const kubeseal = await runCli(['--fetch-cert', '--cert', pair.certPath]);
    assertSuccess(kubeseal, [line]);
    assert.equal(kubeseal.stdout, result.stdout);
  });

  test('prints the vectors key fingerprint exactly as recorded', async () => {
    const key1 = (await loadVectorKeys()).find((k) => k.name === 'key1');
    assert.ok(key1);
    const path = join(dir, 'key1.crt');
    await writeFile(path, key1.certPem);
    const result = await runCli(['cert', '--cert', path, '--fingerprint']);
    assertSuccess(result, [`gitseal: certificate ${key1.fingerprint} (from ${path})`]);
    assert.equal(result.stdout, `${key1.fingerprint}\n`);
  });

  test('--cert-fingerprint accepts the right pin', async () => {
    const fp = (await runCli(['cert', '--cert', pair.certPath, '--fingerprint'])).stdout.trim();
    const result = await runCli(['cert', '--cert', pair.certPath, '--fingerprint', '--cert-fingerprint', fp]);
    assertSuccess(result, [`gitseal: certificate ${fp} (from ${pair.certPath}, pinned by --cert-fingerprint)`]);
    assert.equal(result.stdout.trim(), fp);
  });
});

describe('gitseal cert over a URL', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/cert.pem') {
        res.end(pair.certPem);
      } else if (req.url === '/huge') {
        res.write('-----BEGIN CERTIFICATE-----\n');
        res.end('A'.repeat(2 * 1024 * 1024));
      } else {
        res.statusCode = 404;
        res.end('no');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('plain http:// is refused without --insecure-http', async () => {
    assertFailure(await runCli(['cert', '--cert', `${base}/cert.pem`]), { mentions: ['http://', '--insecure-http'] });
  });

  test('fetches with --insecure-http', async () => {
    const result = await runCli(['cert', '--cert', `${base}/cert.pem`, '--insecure-http']);
    assertSuccess(result, [certLine('certificate', pair.certPem, `${base.slice('http://'.length)}/cert.pem`)]);
    assert.equal(result.stdout.trim(), pair.certPem.trim());
  });

  test('an HTTP error exits 3', async () => {
    assertFailure(await runCli(['cert', '--cert', `${base}/missing`, '--insecure-http']), {
      code: 3,
      mentions: ['/missing', '404'],
    });
  });

  test('an oversized response exits 3', async () => {
    assertFailure(await runCli(['cert', '--cert', `${base}/huge`, '--insecure-http']), {
      code: 3,
      mentions: ['/huge', 'larger than'],
    });
  });

  test('an unreachable URL exits 3', async () => {
    assertFailure(await runCli(['cert', '--cert', 'https://127.0.0.1:1/cert.pem']), {
      code: 3,
      mentions: ['127.0.0.1:1', 'cannot fetch'],
    });
  });
});

describe('gitseal usage errors', () => {
  test('an unknown option exits 2 with one line', async () => {
    assertFailure(await runCli(['cert', '--no-such-option']), { code: 2, mentions: ['--no-such-option'] });
  });

  test('a bad --format exits 2', async () => {
    assertFailure(await runCli(['seal', '-o', 'xml']), { code: 2, mentions: ['xml', 'yaml, json'] });
  });

  test('--help documents the exit codes', async () => {
    const result = await runCli(['--help']);
    assertSuccess(result);
    assert.match(result.stdout, /Exit codes:/);
    assert.match(result.stdout, /3 {2}remote error/);
  });
});

describe('gitseal cert refuses bad certificates', () => {
  test('each bad certificate gives one line naming the file and the cause', async (t) => {
    const bad = await writeBadCerts(dir, pair.certPem);
    for (const [what, { path, mention }] of Object.entries(bad)) {
      await t.test(what, async () => {
        assertFailure(await runCli(['cert', '--cert', path]), { mentions: [path, mention] });
      });
    }
  });

  test('a wrong --cert-fingerprint is refused', async () => {
    const other = await writeKeyPair(dir, 'other');
    const otherFp = (await runCli(['cert', '--cert', other.certPath, '--fingerprint'])).stdout.trim();
    assertFailure(await runCli(['cert', '--cert', pair.certPath, '--cert-fingerprint', otherFp]), {
      mentions: [pair.certPath, 'does not match', otherFp],
    });
  });
});
