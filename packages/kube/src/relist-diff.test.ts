import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { diffRelist } from './relist-diff.js';

function obj(name: string, resourceVersion: string): [string, KubernetesObject] {
  return [`ns/${name}`, { kind: 'ConfigMap', metadata: { namespace: 'ns', name, resourceVersion } }];
}

test('diffRelist finds added, changed and vanished objects', () => {
  const previous = new Map([obj('same', '1'), obj('changed', '2'), obj('gone', '3')]);
  const current = new Map([obj('same', '1'), obj('changed', '7'), obj('new', '8')]);
  const changes = diffRelist(previous, current);
  assert.deepEqual(
    changes.added.map((o) => o.metadata?.name),
    ['new'],
  );
  assert.deepEqual(
    changes.updated.map((u) => [u.previous.metadata?.resourceVersion, u.current.metadata?.resourceVersion]),
    [['2', '7']],
  );
  assert.deepEqual(
    changes.deleted.map((o) => o.metadata?.name),
    ['gone'],
  );
});

test('diffRelist from an empty cache adds everything; to an empty list deletes everything', () => {
  const some = new Map([obj('a', '1'), obj('b', '2')]);
  assert.equal(diffRelist(new Map(), some).added.length, 2);
  const emptied = diffRelist(some, new Map());
  assert.equal(emptied.deleted.length, 2);
  assert.equal(emptied.added.length, 0);
  assert.equal(emptied.updated.length, 0);
});
