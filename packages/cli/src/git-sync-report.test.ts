import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from 'js-yaml';
import { formatReport } from './cli-report.js';
import { gitSyncListItem, gitSyncStatusReport } from './git-sync-report.js';
import { viewGitSync } from './git-sync-view.js';

const bare = viewGitSync({ metadata: { name: 'web', namespace: 'prod' } });

test('every documented field is present, null when the cluster did not fill it', () => {
  assert.deepEqual(gitSyncListItem(bare), {
    namespace: 'prod',
    name: 'web',
    ready: 'Unknown',
    reason: null,
    message: null,
    revision: null,
    suspended: false,
    createdAt: null,
  });
  const status = gitSyncStatusReport(bare);
  assert.deepEqual(status['source'], { url: null, ref: null, path: null, chart: null });
  assert.deepEqual(status['conditions'], []);
  assert.equal(status['inventoryCount'], null);
});

test('formatReport puts apiVersion and kind first; json and yaml are the same document', () => {
  const body = { items: [gitSyncListItem(bare)] };
  const json = formatReport('GitSyncList', body, 'json');
  assert.match(json, /^\{\n {2}"apiVersion": "cli\.gitseal\.dev\/v1alpha1",\n {2}"kind": "GitSyncList",/);
  assert.deepEqual(load(formatReport('GitSyncList', body, 'yaml')), JSON.parse(json));
});
