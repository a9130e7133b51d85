import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeError } from './kube-error.js';
import { serviceProxyPath } from './service-proxy.js';

test('serviceProxyPath builds the proxy URL with the default port name', () => {
  assert.equal(
    serviceProxyPath({ namespace: 'gitseal-system', service: 'gitseal-controller', path: '/v1/cert.pem' }),
    '/api/v1/namespaces/gitseal-system/services/gitseal-controller:http/proxy/v1/cert.pem',
  );
  assert.equal(
    serviceProxyPath({ namespace: 'n', service: 's', port: 8080, path: '/healthz?x=1' }),
    '/api/v1/namespaces/n/services/s:8080/proxy/healthz?x=1',
  );
});

test('serviceProxyPath refuses a relative path', () => {
  assert.throws(() => serviceProxyPath({ namespace: 'n', service: 's', path: 'v1' }), KubeError);
});
