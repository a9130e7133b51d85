import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseDemoMode, DemoMode, DemoUsageError } from './demo-mode.js';

const none = { apiOnly: false, useCurrentContext: false };

test('a machine that allows it gets a real node, and the first line says so', () => {
  const choice = chooseDemoMode(none, {});
  assert.equal(choice.mode, DemoMode.Node);
  assert.match(choice.line, /^gitseal demo: on a real node \(Linux, root/);
});

test('otherwise the API-only control plane, naming the first reason', () => {
  const notRoot = chooseDemoMode(none, { unsupported: 'the node needs root', images: 'buildah missing' });
  assert.equal(notRoot.mode, DemoMode.ApiOnly);
  assert.equal(
    notRoot.line,
    'gitseal demo: on the API-only control plane, no Pods run (no real node: the node needs root)',
  );
  assert.match(chooseDemoMode(none, { busy: 'port 10250 in use' }).line, /no real node: port 10250 in use\)$/);
  assert.match(chooseDemoMode(none, { images: 'buildah missing' }).line, /no real node: buildah missing\)$/);
});

test('flags win over the facts; two of them are refused', () => {
  assert.equal(chooseDemoMode({ ...none, apiOnly: true }, {}).mode, DemoMode.ApiOnly);
  assert.match(chooseDemoMode({ ...none, apiOnly: true }, {}).line, /\(--api-only\)$/);
  assert.equal(chooseDemoMode({ ...none, useCurrentContext: true }, {}).mode, DemoMode.CurrentContext);
  const existing = chooseDemoMode({ ...none, nodeCluster: '/tmp/gs' }, { unsupported: 'x' });
  assert.equal(existing.mode, DemoMode.ExistingNode);
  assert.match(existing.line, /running node cluster \/tmp\/gs/);
  assert.throws(
    () => chooseDemoMode({ apiOnly: true, useCurrentContext: false, nodeCluster: '/x' }, {}),
    (e: unknown) => e instanceof DemoUsageError && /--api-only and --node-cluster exclude each other/.test(e.message),
  );
});
