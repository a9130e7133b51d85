import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyTable, parseCertsJson, parseRenewPeriod } from './key-table.js';

const fp = (c: string) => `SHA256:${c.repeat(43)}`;
const entry = (c: string, notBefore: string, state: string, sealing = false) => ({
  keyId: c.repeat(16),
  fingerprint: fp(c),
  notBefore,
  notAfter: '2036-01-01T00:00:00.000Z',
  state,
  sealing,
});

test('parseCertsJson keeps well-formed entries only', () => {
  const text = JSON.stringify([
    entry('A', '2026-01-01T00:00:00.000Z', 'active', true),
    entry('B', '2025-12-01T00:00:00.000Z', 'decrypt-only'),
    { ...entry('C', '2025-11-01T00:00:00.000Z', 'active'), state: 'sealing' },
    { ...entry('D', 'yesterday', 'active') },
    'nonsense',
  ]);
  assert.deepEqual(
    parseCertsJson(text).map((k) => [k.keyId[0], k.state, k.sealing]),
    [
      ['A', 'active', true],
      ['B', 'decrypt-only', false],
    ],
  );
  assert.throws(() => parseCertsJson('{}'), /not a list/);
});

test('keyTable counts SealedSecrets per key fingerprint, newest key first, next renewal for the sealing key', () => {
  const published = parseCertsJson(
    JSON.stringify([
      entry('B', '2025-12-01T00:00:00.000Z', 'compromised'),
      entry('A', '2026-01-01T00:00:00.000Z', 'active', true),
      entry('C', '2025-11-01T00:00:00.000Z', 'decrypt-only'),
    ]),
  );
  const table = keyTable(
    published,
    [
      { keyFingerprints: [fp('A')] },
      { keyFingerprints: [fp('A'), fp('B')] },
      { keyFingerprints: [fp('A'), fp('A')] },
      { keyFingerprints: [] },
      { keyFingerprints: [fp('Z')] },
    ],
    parseRenewPeriod('720h'),
  );
  assert.deepEqual(
    table.keys.map((k) => [k.keyId[0], k.opens, k.nextRenewal]),
    [
      ['A', 3, '2026-01-31T00:00:00.000Z'],
      ['B', 1, undefined],
      ['C', 0, undefined],
    ],
  );
  assert.deepEqual(table.unknown, [{ fingerprint: fp('Z'), opens: 1 }]);
  assert.equal(keyTable(published, [], 0).keys[0]?.nextRenewal, undefined, 'renewal off');
});

test('parseRenewPeriod reads Go durations', () => {
  assert.equal(parseRenewPeriod('720h'), 720 * 3_600_000);
  assert.equal(parseRenewPeriod('1h30m'), 5_400_000);
  assert.equal(parseRenewPeriod('0'), 0);
  assert.throws(() => parseRenewPeriod('30 days'), /expected a duration/);
});
