import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPairSync, sealValue } from '@gitseal/crypto';
import { summarizeSealedSecret } from './sealed-secret-summary.js';

const { publicKey } = generateKeyPairSync(2048);
const seal = (label: string, envelope: 'v1' | 'v2') =>
  sealValue({ publicKey, scopeLabel: label, itemKey: 'k', plaintext: Buffer.from('secret-plaintext'), envelope });
const fp = `SHA256:${'A'.repeat(43)}`;
const fp2 = `SHA256:${'B'.repeat(43)}`;

test('summarizeSealedSecret: Synced, fingerprints, scope, envelope and key names; never a value', () => {
  const summary = summarizeSealedSecret({
    metadata: { namespace: 'team', name: 'db', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { encryptedData: { password: seal('team/db', 'v2'), user: seal('team/db', 'v2') } },
    status: {
      keyFingerprint: `${fp},${fp2},junk`,
      conditions: [
        { type: 'Synced', status: 'True', reason: 'Unsealed', message: 'Secret team/db\nwritten' },
        { type: 'KeyCompromised', status: 'True', reason: 'SealedWithCompromisedKey' },
      ],
    },
  });
  assert.deepEqual(summary, {
    key: 'team/db',
    namespace: 'team',
    name: 'db',
    synced: 'True',
    reason: 'Unsealed',
    message: 'Secret team/db written',
    keyFingerprints: [fp, fp2],
    scope: 'strict',
    envelope: 'v2',
    keys: ['password', 'user'],
    compromised: true,
    createdAt: '2026-01-01T00:00:00Z',
  });
  assert.doesNotMatch(JSON.stringify(summary), /gs2:/);
});

test('summarizeSealedSecret: scope from the annotations, a v2 label that disagrees, v1 and mixed envelopes', () => {
  const wide = summarizeSealedSecret({
    metadata: { namespace: 'team', name: 'db' },
    spec: {
      encryptedData: { a: seal('team/db', 'v2') },
      template: { metadata: { annotations: { 'gitseal.dev/cluster-wide': 'true' } } },
    },
  });
  assert.equal(wide.scope, 'cluster-wide');
  assert.equal(wide.synced, 'Unknown');
  assert.match(wide.scopeMismatch ?? '', /sealed strict, the annotations say cluster-wide/);
  const mixed = summarizeSealedSecret({
    metadata: { namespace: 'team', name: 'db', annotations: { 'gitseal.dev/namespace-wide': 'true' } },
    spec: { encryptedData: { a: seal('team', 'v1'), b: seal('team', 'v2') } },
  });
  assert.equal(mixed.scope, 'namespace-wide');
  assert.equal(mixed.envelope, 'mixed');
  assert.equal(mixed.scopeMismatch, undefined);
  assert.equal(summarizeSealedSecret({ metadata: { namespace: 'a', name: 'b' } }).envelope, 'none');
});
