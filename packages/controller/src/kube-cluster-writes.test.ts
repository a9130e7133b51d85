import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeError } from '@gitseal/kube';
import { pino } from 'pino';
import { createKubeClusterWrites } from './kube-cluster-writes.js';

const SECRET = 'c2VjcmV0LWJ5dGVzLWZyb20tYS1mb3JlaWduLWJvZHk';
const bodies: Record<string, { status: number; body: string }> = {
  '/api/v1/namespaces/ns/secrets/json': { status: 200, body: '{"kind":"Secret","metadata":{"name":"json"}}' },
  '/api/v1/namespaces/ns/secrets/garbage': { status: 200, body: `{"data":{"password":${SECRET}` },
  '/api/v1/namespaces/ns/secrets/gone': { status: 404, body: '{"kind":"Status","code":404,"reason":"NotFound"}' },
};
let server: Server;
let kc: KubeConfig;

before(async () => {
  server = createServer((req, res) => {
    const reply = bodies[req.url ?? ''] ?? { status: 500, body: 'no' };
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const writes = (): ReturnType<typeof createKubeClusterWrites> =>
  createKubeClusterWrites(kc, pino({ enabled: false }), { apiWrites: { inc: () => undefined } } as never);

test('readSecret: JSON body read, 404 is undefined, a body that is not JSON is a safe KubeError', async () => {
  assert.deepEqual(await writes().readSecret('ns', 'json'), { kind: 'Secret', metadata: { name: 'json' } });
  assert.equal(await writes().readSecret('ns', 'gone'), undefined);
  await assert.rejects(writes().readSecret('ns', 'garbage'), (error: unknown) => {
    assert.ok(error instanceof KubeError, `expected a KubeError, got ${String(error)}`);
    assert.equal(error.message, 'read Secret ns/garbage: response is not JSON');
    assert.ok(!error.message.includes(SECRET));
    return true;
  });
});
