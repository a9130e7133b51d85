import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UiResource } from '@gitseal/manifests';
import { formatSyncTree } from './sync-tree-text.js';

const r = (kind: string, name: string, extra: Partial<UiResource> = {}): UiResource => ({
  apiVersion: 'v1',
  kind,
  name,
  namespace: 'shop',
  sync: 'InSync',
  health: 'Current',
  ...extra,
});

test('tree: totals, then objects by kind and name, no WAVE column when no object sets a wave', () => {
  const text = formatSyncTree('GitSync shop/app at main@sha1:abc', [
    r('Service', 'web', { healthMessage: 'nothing to wait for' }),
    r('ConfigMap', 'settings', { sync: 'Drifted', syncMessage: 'changed by kubectl-edit' }),
    r('Deployment', 'web', { sync: 'Missing', syncMessage: 'not found in the cluster', health: 'Unknown' }),
  ]);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'GitSync shop/app at main@sha1:abc: 3 object(s): 1 in sync, 1 drifted, 1 missing');
  assert.match(lines[1] ?? '', /^KIND +NAMESPACE +NAME +SYNC +HEALTH +MESSAGE$/);
  assert.match(lines[2] ?? '', /^ConfigMap +shop +settings +Drifted +Current +changed by kubectl-edit$/);
  assert.match(lines[3] ?? '', /^Deployment +shop +web +Missing +Unknown +not found in the cluster$/);
  assert.match(lines[4] ?? '', /^Service +shop +web +InSync +Current$/);
});

test('tree: grouped by wave, lowest first, when an object sets one', () => {
  const text = formatSyncTree('GitSync shop/app', [
    r('ConfigMap', 'late', { wave: 5 }),
    r('ConfigMap', 'plain'),
    r('Namespace', 'first', { wave: -1, namespace: undefined }),
  ]);
  const lines = text.trimEnd().split('\n');
  assert.match(lines[1] ?? '', /^WAVE +KIND/);
  assert.deepEqual(
    lines.slice(2).map((l) => l.split(/\s+/).slice(0, 4).join(' ')),
    ['-1 Namespace - first', '0 ConfigMap shop plain', '5 ConfigMap shop late'],
  );
});

test('tree: an empty inventory is one line', () => {
  assert.equal(
    formatSyncTree('GitSync shop/app', []),
    'GitSync shop/app: 0 object(s): 0 in sync, 0 drifted, 0 missing\n',
  );
});
