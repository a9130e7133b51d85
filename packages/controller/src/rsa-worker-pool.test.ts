import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { Redacted } from '@gitseal/crypto';
import { pino } from 'pino';
import { RsaWorkerPool } from './rsa-worker-pool.js';

test('generateKey hands the private key to the main thread wrapped in Redacted', async () => {
  const pool = new RsaWorkerPool({ size: 1, logger: pino({ enabled: false }) });
  try {
    const generated = await pool.generateKey(2048);
    assert.ok(generated.keyPem instanceof Redacted);
    assert.match(generated.keyPem.reveal().toString('utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.match(generated.certPem, /^-----BEGIN CERTIFICATE-----/);
    for (const printed of [JSON.stringify(generated), inspect(generated), `${String(generated.keyPem)}`]) {
      assert.ok(!printed.includes('PRIVATE KEY'), `leaks: ${printed.slice(0, 80)}`);
    }
  } finally {
    await pool.close();
  }
});
