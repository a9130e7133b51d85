import assert from 'node:assert/strict';
import test from 'node:test';
import { KubeError, loadKubeConfig, createRawApplier } from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import type { ObjectApi } from './live-objects.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fenceObjectApi } from './write-fence.js';

const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'app' } };

test('a raw applier with mayWrite refuses writes, before and right before sending, but not dry runs', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url ?? ''}`);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (req.url?.startsWith('/api/v1') && req.method === 'GET') {
      res.end(JSON.stringify({ resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] }));
    } else res.end(JSON.stringify(cm));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-fence-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const server_ = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: server_, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: {} }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  );
  const kc = loadKubeConfig({ kubeconfig });
  let leading = true;
  const applier = createRawApplier(kc, { mayWrite: () => leading });
  try {
    await applier.apply(cm);
    leading = false;
    await applier.apply(cm, { dryRun: true });
    await assert.rejects(applier.apply(cm), (error: unknown) => {
      assert.ok(error instanceof KubeError);
      assert.equal(error.message, 'apply ConfigMap app/a: not written: this replica is no longer the leader');
      return true;
    });
    await assert.rejects(
      applier.create?.({ ...cm, metadata: { generateName: 'h-', namespace: 'app' } }) ??
        Promise.reject(new Error('no create')),
      /not written/,
    );
    const writes = seen.filter((r) => r.startsWith('PATCH') || r.startsWith('POST'));
    assert.deepEqual(
      writes.map((r) => (r.includes('dryRun=All') ? 'dry' : 'write')),
      ['write', 'dry'],
    );
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fenceObjectApi refuses create, delete, patch and replace, and lets reads through', async () => {
  let leading = false;
  const calls: string[] = [];
  const api = {
    read: async () => (calls.push('read'), cm),
    list: async () => (calls.push('list'), { items: [] }),
    delete: async () => (calls.push('delete'), {}),
    patch: async () => (calls.push('patch'), cm),
  } as unknown as ObjectApi;
  const fenced = fenceObjectApi(api, () => leading);
  await fenced.read(cm as never);
  await fenced.list('v1', 'ConfigMap');
  await assert.rejects(fenced.delete(cm as never), /delete ConfigMap app\/a: not written/);
  await assert.rejects(fenced.patch(cm as never), /patch ConfigMap app\/a: not written/);
  leading = true;
  await fenced.delete(cm as never);
  assert.deepEqual(calls, ['read', 'list', 'delete']);
});
