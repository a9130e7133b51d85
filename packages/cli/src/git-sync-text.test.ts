import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGitSyncList, formatGitSyncStatus } from './git-sync-text.js';
import { viewGitSync } from './git-sync-view.js';

const now = new Date('2025-06-01T12:00:00Z');

const gitSync = {
  metadata: {
    name: 'web',
    namespace: 'prod',
    creationTimestamp: '2025-06-01T11:00:00Z',
    generation: 2,
    annotations: { 'gitseal.dev/requested-at': '2025-06-01T11:59:00.000Z' },
  },
  spec: { source: { url: 'https://git.example/app.git', ref: { branch: 'main' }, path: 'deploy' }, interval: '5m' },
  status: {
    observedGeneration: 1,
    lastAppliedRevision: 'main@sha1:abc',
    lastAttemptedRevision: 'main@sha1:def',
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'ApplyFailed',
        message: 'line one\n\u001b[31mline two',
        lastTransitionTime: '2025-06-01T11:58:00Z',
      },
    ],
    inventory: {
      entries: [
        { id: 'a', v: 'v1' },
        { id: 'b', v: 'v1' },
      ],
    },
    history: [
      {
        revision: 'main@sha1:def',
        digest: 'sha256:1',
        result: 'Failed',
        startedAt: '2025-06-01T11:58:00Z',
        duration: '2s',
        objectsChanged: 0,
      },
    ],
  },
};

test('list: one aligned row per GitSync, sorted, Unknown before any condition', () => {
  const other = {
    metadata: { name: 'api', namespace: 'dev', creationTimestamp: '2025-06-01T11:59:30Z' },
    spec: { suspend: true },
  };
  assert.equal(
    formatGitSyncList([viewGitSync(gitSync), viewGitSync(other)], now),
    [
      'NAMESPACE   NAME   READY     REASON        REVISION        AGE   SUSPENDED   MESSAGE',
      'dev         api    Unknown   -             -               30s   true        -',
      'prod        web    False     ApplyFailed   main@sha1:abc   60m   false       line one [31mline two',
      '',
    ].join('\n'),
  );
});

test('list: on a terminal MESSAGE is cut so each row fits its width; in a pipe it is whole', () => {
  const long = {
    ...gitSync,
    status: {
      ...gitSync.status,
      conditions: [
        { type: 'Ready', status: 'False', reason: 'ApplyFailed', message: `Deployment web: ${'x'.repeat(300)}` },
      ],
    },
  };
  const piped = formatGitSyncList([viewGitSync(long)], now);
  assert.ok(piped.includes('x'.repeat(300)), 'whole message without a width');
  const narrow = formatGitSyncList([viewGitSync(long)], now, 120);
  for (const line of narrow.trimEnd().split('\n')) assert.ok([...line].length <= 120, `fits 120 columns: ${line}`);
  assert.match(narrow, /Deployment web: x+…\n$/);
  const tiny = formatGitSyncList([viewGitSync(long)], now, 40);
  assert.match(tiny, /false {7}Deployment web: x{3}…\n$/, 'never narrower than 20 characters');
});

test('status: fields, conditions (control characters removed) and history', () => {
  const text = formatGitSyncStatus(viewGitSync(gitSync), now);
  assert.match(text, /^GitSync: +prod\/web\n/);
  assert.match(text, /Source: +https:\/\/git\.example\/app\.git \(branch main\) path deploy\n/);
  assert.match(text, /Last applied revision: +main@sha1:abc\n/);
  assert.match(text, /Last attempted revision: +main@sha1:def\n/);
  assert.match(text, /Observed generation: +1 of generation 2 \(not yet observed\)\n/);
  assert.match(text, /Inventory: +2 object\(s\)\n/);
  assert.match(text, /Ready +False +ApplyFailed +2m +line one \[31mline two\n/);
  assert.match(text, /main@sha1:def +sha256:1 +Failed +2025-06-01T11:58:00Z \(2m ago\) +2s +0\n/);
  assert.ok(!text.includes('\u001b'), 'no escape character reaches the terminal');
});

test('status: a chart source shows the chart asked for and the chart rendered', () => {
  const chartSync = {
    metadata: { name: 'shop', namespace: 'prod' },
    spec: { source: { url: 'oci://registry.example/charts', chart: { name: 'wordpress', version: '>=1 <2' } } },
    status: { chart: { name: 'wordpress', version: '1.4.2' } },
  };
  const text = formatGitSyncStatus(viewGitSync(chartSync), now);
  assert.match(text, /Source: +oci:\/\/registry\.example\/charts chart wordpress >=1 <2\n/);
  assert.match(text, /Chart: +wordpress 1\.4\.2\n/);
  assert.doesNotMatch(formatGitSyncStatus(viewGitSync(gitSync), now), /Chart:/);
});
