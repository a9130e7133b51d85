import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';
import { CryptoError, CryptoErrorCode } from '@gitseal/crypto';
import {
  describeApiError,
  isAlreadyExists,
  isConflict,
  isGone,
  isNotFound,
  readApiError,
  safeErrorMessage,
  toKubeError,
} from './api-error.js';
import { KubeError, KubeErrorCode } from './kube-error.js';

function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
}

function apiException(code: number, reason: string, message: string): ApiException<string> {
  return new ApiException(code, 'Unsuccessful HTTP Request', statusBody(code, reason, message), {});
}

const SECRET = 'c3VwZXItc2VjcmV0LXBhc3N3b3Jk';

test('describeApiError names the object, the reason and the status', () => {
  const err = apiException(403, 'Forbidden', 'secrets "db" is forbidden: User "x" cannot get resource');
  assert.equal(describeApiError(err, 'Secret prod/db'), 'Secret prod/db: forbidden (403)');
});

test("describeApiError adds the RBAC authorizer's denial (who, verb, resource, group, scope), nothing else", () => {
  const user = 'system:serviceaccount:gitseal-system:gitseal-controller';
  const list = `configmaps is forbidden: User "${user}" cannot list resource "configmaps" in API group "" in the namespace "team-a"`;
  assert.equal(
    describeApiError(apiException(403, 'Forbidden', list), 'list ConfigMap in team-a'),
    `list ConfigMap in team-a: forbidden (403): ${list}`,
  );
  const impersonate = `serviceaccounts "deployer" is forbidden: User "${user}" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "team-a"`;
  assert.match(describeApiError(apiException(403, 'Forbidden', impersonate), 'apply'), /cannot impersonate resource/);
  const cluster = `User "${user}" cannot watch resource "sealedsecrets/status" in API group "gitseal.dev" at the cluster scope`;
  assert.match(describeApiError(apiException(403, 'Forbidden', cluster), 'w'), /at the cluster scope$/);
  // Admission denials and authorizer messages with anything appended can quote the object: not shown.
  for (const message of [
    `pods "x" is forbidden: violates PodSecurity "restricted:latest": ${SECRET}`,
    `admission webhook "v.example.com" denied the request: ${SECRET}`,
    `${list}: ${SECRET}`,
  ]) {
    assert.equal(describeApiError(apiException(403, 'Forbidden', message), 'x'), 'x: forbidden (403)');
  }
});

test('describeApiError never echoes an Invalid or BadRequest body', () => {
  const invalid = apiException(422, 'Invalid', `Secret "db" is invalid: data[x]: Invalid value: "${SECRET}"`);
  const bad = new ApiException(
    400,
    'Unsuccessful HTTP Request',
    `{"kind":"Status","code":400,"message":"${SECRET}"}`,
    {},
  );
  for (const err of [invalid, bad]) {
    const text = describeApiError(err, 'Secret prod/db');
    assert.ok(!text.includes(SECRET), text);
    assert.ok(!String(toKubeError(err, 'Secret prod/db').message).includes(SECRET));
  }
  assert.equal(describeApiError(invalid, 'Secret prod/db'), 'Secret prod/db: invalid (422)');
  assert.equal(describeApiError(bad, 'Secret prod/db'), 'Secret prod/db: bad request (400)');
});

test('describeApiError keeps server messages of known-safe shapes', () => {
  const conflict = apiException(
    409,
    'Conflict',
    'Operation cannot be fulfilled on leases.coordination.k8s.io "lock": the object has been modified',
  );
  assert.equal(
    describeApiError(conflict, 'Lease ns/lock'),
    'Lease ns/lock: conflict (409): Operation cannot be fulfilled on leases.coordination.k8s.io "lock": the object has been modified',
  );
  const gone = apiException(410, 'Expired', 'too old resource version: 12 (345)');
  assert.equal(describeApiError(gone, 'watch'), 'watch: expired (410): too old resource version: 12 (345)');
});

test('describeApiError drops a message of an allowed reason when its shape is unknown', () => {
  const webhook = apiException(409, 'Conflict', `denied by webhook: value ${SECRET}`);
  assert.equal(describeApiError(webhook, 'Secret a/b'), 'Secret a/b: conflict (409)');
});

test('describeApiError ignores a reason that is not a plain token', () => {
  const err = apiException(500, 'Bad\nReason "x"', 'boom');
  assert.equal(describeApiError(err, 'ConfigMap a/b'), 'ConfigMap a/b: internal server error (500)');
});

test('describeApiError handles watch errors, Status objects, network errors and unknowns', () => {
  const watchErr = Object.assign(new Error('Gone'), { statusCode: 410 });
  assert.equal(describeApiError(watchErr, 'watch secrets'), 'watch secrets: gone (410)');
  const status = { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (2)' };
  assert.equal(describeApiError(status, 'watch'), 'watch: expired (410): too old resource version: 1 (2)');
  const refused = Object.assign(new Error(`connect ECONNREFUSED ${SECRET}`), { code: 'ECONNREFUSED' });
  assert.equal(describeApiError(refused, 'Secret a/b'), 'Secret a/b: connection refused (ECONNREFUSED)');
  const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
  assert.equal(describeApiError(abort, 'Secret a/b'), 'Secret a/b: timed out');
  assert.equal(describeApiError(new Error(SECRET), 'Secret a/b'), 'Secret a/b: request failed');
  assert.equal(describeApiError(undefined, 'x'), 'x: request failed');
});

test('401 without a body still reports the status', () => {
  const err = new ApiException(401, 'Unauthorized', undefined, {});
  assert.equal(describeApiError(err, 'Secret a/b'), 'Secret a/b: unauthorized (401)');
});

test('status predicates', () => {
  assert.equal(isNotFound(apiException(404, 'NotFound', 'secrets "a" not found')), true);
  assert.equal(isNotFound(apiException(403, 'Forbidden', '')), false);
  assert.equal(isConflict(apiException(409, 'Conflict', '')), true);
  assert.equal(isConflict(apiException(409, 'AlreadyExists', '')), false);
  assert.equal(isAlreadyExists(apiException(409, 'AlreadyExists', 'leases "a" already exists')), true);
  assert.equal(isAlreadyExists(apiException(409, 'Conflict', '')), false);
  assert.equal(isGone(apiException(410, 'Gone', '')), true);
  assert.equal(isGone({ kind: 'Status', code: 410, reason: 'Expired' }), true);
  assert.equal(isGone(Object.assign(new Error('Gone'), { statusCode: 410 })), true);
  assert.equal(isGone(apiException(404, 'NotFound', '')), false);
  assert.equal(isNotFound(new KubeError(KubeErrorCode.ApiError, 'x', { status: 404 })), true);
});

test('toKubeError keeps status and reason and carries no cause', () => {
  const err = toKubeError(apiException(404, 'NotFound', 'secrets "a" not found'), 'Secret ns/a');
  assert.ok(err instanceof KubeError);
  assert.equal(err.code, KubeErrorCode.ApiError);
  assert.equal(err.status, 404);
  assert.equal(err.reason, 'NotFound');
  assert.equal(err.message, 'Secret ns/a: not found (404): secrets "a" not found');
  assert.equal(err.cause, undefined);
  assert.equal(isNotFound(err), true);
  const same = new KubeError(KubeErrorCode.Timeout, 'already safe');
  assert.equal(toKubeError(same, 'x'), same);
  assert.equal(toKubeError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 'x').code, KubeErrorCode.Timeout);
});

test('readApiError tolerates an object body and garbage bodies', () => {
  const objectBody = new ApiException(409, 'm', { kind: 'Status', code: 409, reason: 'AlreadyExists' }, {});
  assert.deepEqual(readApiError(objectBody), { status: 409, reason: 'AlreadyExists', statusMessage: undefined });
  const garbage = new ApiException(502, 'm', '{not json', {});
  assert.deepEqual(readApiError(garbage), { status: 502 });
});

test('safeErrorMessage: API errors described, coded errors by message, other errors by class name only', () => {
  assert.equal(safeErrorMessage(apiException(403, 'Forbidden', SECRET)), 'request: forbidden (403)');
  assert.equal(safeErrorMessage(new TypeError(`bad input ${SECRET}`)), 'unexpected TypeError');
  assert.equal(safeErrorMessage(new SyntaxError(`Unexpected token in JSON: ${SECRET}`)), 'unexpected SyntaxError');
  const kube = new KubeError(KubeErrorCode.Stopped, 'watch stopped\nsecond line');
  assert.equal(safeErrorMessage(kube), 'watch stopped second line');
  const foreign = Object.assign(new Error(SECRET), { name: 'ManifestError' }); // the right name but no code
  assert.equal(safeErrorMessage(foreign), 'unexpected ManifestError');
  const coded = new CryptoError(CryptoErrorCode.DecryptFailed, 'item "a": does not open');
  assert.equal(safeErrorMessage(coded), 'item "a": does not open');
  // A name and a code anyone can set do not make an error coded: its message is never passed on.
  const impostor = Object.assign(new Error(`fetch ${SECRET}`), { name: 'SyncError', code: 'GIT_FAILED' });
  assert.doesNotMatch(safeErrorMessage(impostor), new RegExp(SECRET));
  assert.equal(safeErrorMessage(42), 'unknown error');
});
