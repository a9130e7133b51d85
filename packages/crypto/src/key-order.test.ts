import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKeyPairSync, exportPrivateKeyPem } from './key-pair.js';
import { orderKeysForTrial } from './key-order.js';
import { createHeldKey, createKeyRing } from './key-ring.js';

const DAY = 86_400_000;
const keys = [3, 2, 1].map((daysAgo) =>
  createHeldKey({
    keyPem: exportPrivateKeyPem(generateKeyPairSync(2048).privateKey),
    notBefore: new Date(Date.now() - daysAgo * DAY),
  }),
);
const ring = createKeyRing(keys);
const ids = (list: { keyId: string }[]) => list.map((k) => k.keyId);
const [oldest, middle, newest] = keys.map((k) => k.keyId);

describe('orderKeysForTrial', () => {
  it('tries newest first without a hint', () => {
    assert.deepEqual(ids(orderKeysForTrial(ring)), [newest, middle, oldest]);
  });
  it('tries the hinted key first, then the rest newest first', () => {
    assert.deepEqual(ids(orderKeysForTrial(ring, oldest)), [oldest, newest, middle]);
  });
  it('ignores a hint for a key that is not held', () => {
    assert.deepEqual(ids(orderKeysForTrial(ring, 'AAAAAAAAAAAAAAAA')), [newest, middle, oldest]);
  });
});
