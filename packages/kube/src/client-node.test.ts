import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ClientNodePackage from '@kubernetes/client-node';
import {
  clientNodeSource,
  ClientNodeSource,
  CoordinationV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
} from './client-node.js';

function configFor(server: string): InstanceType<typeof KubeConfig> {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: false }],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

describe('client-node bundle', () => {
  it('is what the build made and what gitseal loads (npm run build bundles it)', () => {
    assert.equal(clientNodeSource, ClientNodeSource.Bundle);
    // Its own classes, not the package's: the package's index (every generated API and model) stays unloaded.
    assert.notEqual(KubeConfig, ClientNodePackage.KubeConfig);
  });

  it('keeps the values client-node exports', () => {
    assert.deepEqual(PatchStrategy, ClientNodePackage.PatchStrategy);
    assert.equal(typeof Watch, 'function');
  });

  it('a generated API client from the bundle makes its request and keeps the error names', async () => {
    const api = configFor('https://127.0.0.1:1').makeApiClient(CoordinationV1Api);
    await assert.rejects(api.readNamespacedLease({ namespace: 'a', name: 'b' }), (error: Error) => {
      assert.equal(error.name, 'FetchError');
      assert.match(error.message, /\/apis\/coordination\.k8s\.io\/v1\/namespaces\/a\/leases\/b/);
      return true;
    });
  });
});
