import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHeldKey, createKeyRing, Envelope, sealValue, type HeldKey } from '@gitseal/crypto';
import { mergeReseal, mergeUnseal, resealSlice, unsealSlice } from './rsa-slice.js';
import { loadVectorKeys } from '../../../test/vectors/bitnami-vectors.mjs';
import { resealSealedSecret, unsealSealedSecret, type UnsealRequest } from './unseal-sealed-secret.js';

const keys = new Map<string, HeldKey>(
  loadVectorKeys().map((k) => [k.name, createHeldKey({ keyPem: k.keyPem, certPem: k.certPem, name: k.name })]),
);
const key1 = keys.get('key1')!;
const key2 = keys.get('key2')!;
// key2 newest: v1 items sealed to key1 cost two operations unless key1 is tried first.
const ring = createKeyRing([
  { ...key1, notBefore: new Date(2020, 0) },
  { ...key2, notBefore: new Date(2024, 0) },
]);
const label = 'apps/many';

function sealed(count: number, envelope: Envelope = Envelope.V1, key: HeldKey = key1): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => {
      const itemKey = `item-${String(i).padStart(3, '0')}`;
      const plaintext = Buffer.from(`value ${i}`);
      return [itemKey, sealValue({ publicKey: key.publicKey, scopeLabel: label, itemKey, plaintext, envelope })];
    }),
  );
}

/** Runs a request slice by slice as the pool does; returns the merged outcome and each slice's RSA operations. */
function runSliced(request: UnsealRequest, budget: number) {
  let outcome: ReturnType<typeof unsealSealedSecret> | undefined;
  const perSlice: number[] = [];
  let next: UnsealRequest | undefined = request;
  while (next) {
    const sliced = unsealSlice(ring, next, budget);
    perSlice.push(sliced.outcome.rsaOperations);
    outcome = mergeUnseal(outcome?.ok ? outcome : undefined, sliced.outcome);
    const rest = sliced.rest;
    next = rest
      ? {
          ...request,
          encryptedData: Object.fromEntries(rest.items.map((i) => [i, request.encryptedData[i]!])),
          ...(rest.preferKeyId ? { preferKeyId: rest.preferKeyId } : {}),
        }
      : undefined;
  }
  return { outcome: outcome!, perSlice };
}

test('an unseal in slices gives what one call gives, with the same RSA operations, 8 per slice', () => {
  const request = { object: label, scopeLabel: label, encryptedData: sealed(30) };
  const whole = unsealSealedSecret(ring, request);
  const { outcome, perSlice } = runSliced(request, 8);
  assert.ok(whole.ok && outcome.ok);
  assert.deepEqual(outcome, whole);
  // First item: key2 tried, then key1 (2 operations); the key hint carries over between slices.
  assert.equal(whole.rsaOperations, 31);
  assert.deepEqual(perSlice, [8, 8, 8, 7]);
});

test('a slice holds at most budget - 1 operations plus one item, whatever the items cost', () => {
  // v1 items alternating between keys: each costs 2 operations when the other key is tried first.
  const [toKey1, toKey2] = [sealed(10, Envelope.V1, key1), sealed(10, Envelope.V1, key2)];
  const alternating = Object.fromEntries(Object.keys(toKey1).map((k, i) => [k, (i % 2 ? toKey2 : toKey1)[k]!]));
  const request = { object: label, scopeLabel: label, encryptedData: alternating };
  const { outcome, perSlice } = runSliced(request, 3);
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.data, (unsealSealedSecret(ring, request) as { data: unknown }).data);
  for (const ops of perSlice) assert.ok(ops <= 3 - 1 + ring.keys.length, `${ops} operations in one slice`);
});

test('a failure in a later slice fails the whole request, naming the object and item, counting all operations', () => {
  const encryptedData = {
    ...sealed(12),
    'item-010': sealValue({
      publicKey: key1.publicKey,
      scopeLabel: 'apps/elsewhere',
      itemKey: 'item-010',
      plaintext: Buffer.from('x'),
      envelope: Envelope.V2,
    }),
  };
  const request = { object: label, scopeLabel: label, encryptedData };
  const whole = unsealSealedSecret(ring, request);
  const { outcome } = runSliced(request, 4);
  assert.equal(outcome.ok, false);
  assert.equal(whole.ok, false);
  assert.equal(outcome.ok ? '' : outcome.message, whole.ok ? '' : whole.message);
  assert.match(outcome.ok ? '' : outcome.message, /^SealedSecret apps\/many: item "item-010": /);
  assert.equal(outcome.rsaOperations, whole.rsaOperations);
});

test('without a budget, or with no items, a slice is one plain call', () => {
  const request = { object: label, scopeLabel: label, encryptedData: sealed(3) };
  assert.deepEqual(unsealSlice(ring, request), { outcome: unsealSealedSecret(ring, request) });
  const empty = { object: label, scopeLabel: label, encryptedData: {} };
  assert.deepEqual(unsealSlice(ring, empty, 8), { outcome: unsealSealedSecret(ring, empty) });
});

test('a reseal in slices re-encrypts every item to the sealing key, with the key hint kept between items', () => {
  const encryptedData = { ...sealed(10, Envelope.V1), ...sealed(3, Envelope.V2, key2) };
  const request = { object: label, scopeLabel: label, encryptedData, sealingKeyId: key2.keyId };
  const whole = resealSealedSecret(ring, request);
  let merged: ReturnType<typeof resealSealedSecret> | undefined;
  let next: typeof request | undefined = request;
  while (next) {
    const sliced = resealSlice(ring, next, 4);
    merged = mergeReseal(merged?.ok ? merged : undefined, sliced.outcome);
    const rest = sliced.rest;
    next = rest
      ? {
          ...request,
          encryptedData: Object.fromEntries(rest.items.map((i) => [i, encryptedData[i]!])),
          ...(rest.preferKeyId ? { preferKeyId: rest.preferKeyId } : {}),
        }
      : undefined;
  }
  assert.ok(whole.ok && merged?.ok);
  assert.equal(merged.rsaOperations, whole.rsaOperations);
  assert.deepEqual(Object.keys(merged.encryptedData).sort(), Object.keys(encryptedData).sort());
  const onlyNew = createKeyRing([key2]);
  const reopened = unsealSealedSecret(onlyNew, {
    object: label,
    scopeLabel: label,
    encryptedData: merged.encryptedData,
  });
  assert.ok(reopened.ok);
  assert.deepEqual(
    reopened.data,
    (unsealSealedSecret(ring, { object: label, scopeLabel: label, encryptedData }) as { data: unknown }).data,
  );
  for (const [item, value] of Object.entries(merged.encryptedData)) {
    assert.equal(value.startsWith('gs2:'), encryptedData[item]!.startsWith('gs2:'), `${item} keeps its envelope`);
  }
});
