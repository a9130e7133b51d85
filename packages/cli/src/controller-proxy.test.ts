import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControllerRoute } from './controller-endpoint.js';
import { controllerProxyPath, isKubeStatus } from './controller-proxy.js';

test("the service proxy path names scheme http and the Service's port named http", () => {
  assert.equal(
    controllerProxyPath('gitseal-system', 'gitseal-controller', ControllerRoute.Verify),
    '/api/v1/namespaces/gitseal-system/services/http:gitseal-controller:http/proxy/v1/verify',
  );
  assert.equal(
    controllerProxyPath('a/b', 'c?d', ControllerRoute.Rotate),
    '/api/v1/namespaces/a%2Fb/services/http:c%3Fd:http/proxy/v1/rotate',
  );
});

test("the API server's Status answers are told apart from the controller's {error, message}", () => {
  assert.ok(isKubeStatus(Buffer.from('{"kind":"Status","apiVersion":"v1","code":404,"reason":"NotFound"}')));
  assert.ok(!isKubeStatus(Buffer.from('{"error":"SealedSecretUndecryptable","message":"m"}')));
  assert.ok(!isKubeStatus(Buffer.from('no endpoints available')));
  assert.ok(!isKubeStatus(Buffer.from('null')));
});
