import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDiff, hasDifferences } from './format-diff.js';
import { diffObject } from './object-diff.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const server = { uid: 'u1', resourceVersion: '7', generation: 3, creationTimestamp: '2025-01-01T00:00:00Z' };

test('a ConfigMap: server metadata and status are ignored; a changed value gives a field diff', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'n', ...server, managedFields: [{ manager: 'x' }] },
    data: { a: '1' },
    status: { whatever: true },
  };
  const same = diffObject({
    title: 'ConfigMap n/c',
    dryRun: { ...live, metadata: { ...live.metadata, uid: 'u2' } },
    live,
  });
  assert.equal(same.action, 'unchanged');
  const changed = diffObject({
    title: 'ConfigMap n/c',
    source: 'c.yaml#0',
    dryRun: { ...live, data: { a: '2' } },
    live,
  });
  assert.equal(changed.action, 'changed');
  assert.equal(
    formatDiff([changed]),
    '~ ConfigMap n/c changed (c.yaml#0)\n    - data.a: "1"\n    + data.a: "2"\n' +
      '1 object(s) in the folder: 0 to create, 1 to change, 0 unchanged\n',
  );
  const created = diffObject({ title: 'ConfigMap n/c', dryRun: live, live: undefined });
  assert.equal(created.action, 'created');
  assert.ok(hasDifferences([created]) && !hasDifferences([same]));
});

test('a Secret: per key by decoded value, paths without values, nothing secret in the output', () => {
  const secret = (data: Record<string, string>, annotations: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'n', annotations },
    type: 'Opaque',
    data,
  });
  const old = 'OLD-PLAINTEXT-1';
  const neu = 'NEW-PLAINTEXT-2';
  const live = secret({ pw: b64(old), user: b64('admin') }, { note: old });
  const dryRun = secret({ pw: b64(neu), user: b64('admin'), extra: b64(neu) }, { note: neu });
  const diff = diffObject({ title: 'Secret n/s', dryRun, live });
  assert.equal(diff.action, 'changed');
  const text = formatDiff([diff]);
  assert.match(text, /data\["pw"\]: changed\n/);
  assert.match(text, /data\["user"\]: unchanged\n/);
  assert.match(text, /data\["extra"\]: added\n/);
  assert.match(text, /metadata\.annotations\.note: changed\n/);
  for (const value of [old, neu, 'admin', b64(old), b64(neu), b64('admin')]) {
    assert.ok(!text.includes(value), `output leaks ${value}`);
  }
  assert.equal(diffObject({ title: 'Secret n/s', dryRun: live, live }).action, 'unchanged');
});

test('a SealedSecret: added, removed, resealed and unchanged keys; no ciphertext printed', () => {
  const sealed = (encryptedData: Record<string, string>) => ({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 's', namespace: 'n' },
    spec: { encryptedData, template: { data: { url: 'literal-CIPHER-like' } } },
  });
  const live = sealed({ same: 'CIPHER-SAME', re: 'CIPHER-RE-1', gone: 'CIPHER-GONE' });
  const dryRun = sealed({ same: 'CIPHER-SAME', re: 'CIPHER-RE-2', fresh: 'CIPHER-NEW' });
  const text = formatDiff([diffObject({ title: 'SealedSecret n/s', dryRun, live })]);
  assert.match(text, /^~ SealedSecret n\/s changed\n/);
  assert.match(text, /encryptedData\["fresh"\]: added\n/);
  assert.match(text, /encryptedData\["gone"\]: removed\n/);
  assert.match(text, /encryptedData\["re"\]: resealed \(ciphertext differs; plaintext not compared\)\n/);
  assert.match(text, /encryptedData\["same"\]: unchanged \(identical ciphertext\)\n/);
  assert.ok(!text.includes('CIPHER'), 'no ciphertext or template data in the output');
});

test('the applied-digest annotation is listed only when nothing else explains the change', () => {
  const digest = (value: string) => ({ 'gitseal.dev/applied-digest': `sha256:${value}` });
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', annotations: digest('a') },
    data: { a: '1' },
  };
  const withData = diffObject({
    title: 'ConfigMap n/c',
    dryRun: { ...live, metadata: { name: 'c', annotations: digest('b') }, data: { a: '2' } },
    live,
  });
  assert.deepEqual(
    withData.fields.map((f) => f.path),
    ['data.a'],
  );
  const alone = diffObject({
    title: 'ConfigMap n/c',
    dryRun: { ...live, metadata: { name: 'c', annotations: digest('b') } },
    live,
  });
  assert.equal(alone.action, 'changed');
  assert.deepEqual(
    alone.fields.map((f) => f.path),
    ['metadata.annotations["gitseal.dev/applied-digest"]'],
  );
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', annotations: digest('a') },
    data: { k: b64('1') },
  };
  const rotated = diffObject({
    title: 'Secret n/s',
    dryRun: { ...secret, metadata: { name: 's', annotations: digest('b') }, data: { k: b64('2') } },
    live: secret,
  });
  assert.deepEqual(rotated.fields, [], 'a changed key explains the new digest');
});
