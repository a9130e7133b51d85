import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createApiDiscovery } from './api-discovery.js';

async function serve(answers: Map<string, unknown>): Promise<{ server: Server; kc: KubeConfig; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = answers.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound' }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true },
    ],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return { server, kc, hits };
}

test('createApiDiscovery caches per group version and looks again for a missing kind after the refresh time', async () => {
  const answers = new Map<string, unknown>([
    ['/apis/example.com/v1', { resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }] }],
    ['/api/v1', { resources: [{ name: 'namespaces', kind: 'Namespace', namespaced: false }] }],
  ]);
  const { server, kc, hits } = await serve(answers);
  let clock = 0;
  const discovery = createApiDiscovery(kc, { missRefreshMs: 1_000, now: () => clock });
  try {
    assert.deepEqual(await discovery.resource('example.com/v1', 'Widget'), {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      plural: 'widgets',
      namespaced: true,
    });
    assert.equal((await discovery.resource('v1', 'Namespace'))?.namespaced, false);
    assert.equal(await discovery.resource('example.com/v1', 'Gadget'), undefined);
    assert.equal(hits.length, 2, 'a miss within the refresh time is answered from the cache');
    answers.set('/apis/example.com/v1', {
      resources: [
        { name: 'widgets', kind: 'Widget', namespaced: true },
        { name: 'gadgets', kind: 'Gadget', namespaced: false },
        { name: 'gadgets/status', kind: 'Gadget', namespaced: false },
      ],
    });
    clock = 1_500;
    assert.equal((await discovery.resource('example.com/v1', 'Gadget'))?.plural, 'gadgets');
    assert.equal(await discovery.resource('nothere.io/v1', 'Thing'), undefined, 'an unserved group version');
    assert.equal(hits.length, 4);
  } finally {
    server.close();
  }
});
