import assert from 'node:assert/strict';
import test from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import type { ObjectApi } from './live-objects.js';
import { fenceObjectApi } from './write-fence.js';

const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'app' } };

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
