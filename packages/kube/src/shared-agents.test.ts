import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { getJson } from './raw-request.js';
import { shareAgents } from './shared-agents.js';

describe('shareAgents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-shared-agents-'));
  let server: Server;
  let url = '';
  let caPem = '';
  let handshakes = 0;
  const authorizations: (string | undefined)[] = [];

  before(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    caPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: caPem }, (req, res) => {
      authorizations.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }));
    });
    server.on('secureConnection', () => handshakes++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: url, caData: Buffer.from(caPem).toString('base64') }],
      users: [{ name: 'u', token: 'the-token' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    return kc;
  }

  async function tenCalls(kc: KubeConfig): Promise<void> {
    const core = kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 5; i++) {
      assert.equal((await core.readNamespace({ name: 'x' })).metadata?.name, 'x');
      assert.equal(
        (await getJson<{ kind: string }>(kc, { path: '/api/v1/namespaces/x', what: 'ns' })).kind,
        'Namespace',
      );
    }
  }

  it('client-node alone opens a TLS connection per call (the problem)', async () => {
    handshakes = 0;
    await tenCalls(kubeConfig());
    assert.ok(handshakes >= 10, `expected a handshake per call, saw ${handshakes}`);
  });

  it('reuses one keep-alive connection for typed and raw calls, sending the credentials every time', async () => {
    handshakes = 0;
    authorizations.length = 0;
    await tenCalls(shareAgents(kubeConfig()));
    assert.equal(handshakes, 1);
    assert.deepEqual(new Set(authorizations), new Set(['Bearer the-token']));
    assert.equal(authorizations.length, 10);
  });
});
