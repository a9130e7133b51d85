import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventSeverity, type NotifyEvent } from './event.js';
import { eventSummary, oneLine } from './event-text.js';

const gitSync = { kind: 'GitSync', namespace: 'ns', name: 'apps' };
const sealed = { kind: 'SealedSecret', namespace: 'ns', name: 'db' };

test('every kind has a summary and a default severity', () => {
  const events: [NotifyEvent, string, string][] = [
    [{ kind: 'SyncStarted', object: gitSync, revision: 'main@sha1:abc' }, 'info', 'syncing main@sha1:abc'],
    [
      { kind: 'SyncSucceeded', object: gitSync, revision: 'r1', changed: 2, unchanged: 5, pruned: 1 },
      'info',
      'synced r1: 2 changed, 5 unchanged, 1 pruned',
    ],
    [
      {
        kind: 'SyncFailed',
        object: gitSync,
        reason: 'ApplyFailed',
        objects: Array.from({ length: 7 }, (_, i) => ({ kind: 'ConfigMap', namespace: 'ns', name: `c${i}` })),
      },
      'error',
      'sync failed (ApplyFailed)',
    ],
    [
      { kind: 'Pruned', object: gitSync, objects: [{ kind: 'Service', namespace: 'ns', name: 'old' }] },
      'info',
      'pruned 1: Service ns/old',
    ],
    [{ kind: 'UnsealFailed', object: sealed, reason: 'NoMatchingKey' }, 'error', 'cannot unseal (NoMatchingKey)'],
    [
      { kind: 'KeyRotated', object: { kind: 'Secret', namespace: 'gitseal-system', name: 'k2' }, keyId: 'abc' },
      'info',
      'sealing key rotated: new key abc',
    ],
    [
      { kind: 'CompromisedKeyInUse', object: sealed, keyId: 'old' },
      'error',
      'still sealed with key old, which is marked compromised: reseal it',
    ],
    [
      {
        kind: 'OwnershipConflict',
        object: gitSync,
        target: { kind: 'ConfigMap', namespace: 'ns', name: 'x' },
        owner: 'helm',
      },
      'warning',
      'ConfigMap ns/x is owned by helm: not overwritten',
    ],
    [
      { kind: 'CertificateRestored', object: { kind: 'ConfigMap', namespace: 'gitseal-system', name: 'certs' } },
      'warning',
      'the published sealing certificate was tampered with and has been restored',
    ],
  ];
  for (const [event, severity, summary] of events) {
    assert.equal(eventSeverity(event), severity, event.kind);
    assert.equal(eventSummary(event), summary, event.kind);
  }
  assert.equal(eventSeverity({ kind: 'KeyRotated', object: gitSync, keyId: 'a', severity: 'warning' }), 'warning');
});

test('oneLine flattens control characters and caps the length', () => {
  assert.equal(oneLine('a\nb\r\n\tc'), 'a b c');
  assert.equal(oneLine('x'.repeat(500), 10), `${'x'.repeat(9)}…`);
});
