import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedHosts, isAllowedHost, isAllowedOrigin } from './host-check.js';
import { parseCookies, sameToken, UiAuth } from './ui-auth.js';

test('allowedHosts: the bound address, and localhost for loopback; nothing else', () => {
  const hosts = allowedHosts('127.0.0.1', 8123);
  assert.ok(isAllowedHost('127.0.0.1:8123', hosts));
  assert.ok(isAllowedHost('LOCALHOST:8123', hosts));
  assert.ok(!isAllowedHost('127.0.0.1:8124', hosts));
  assert.ok(!isAllowedHost('evil.example:8123', hosts));
  assert.ok(!isAllowedHost('127.0.0.1', hosts));
  assert.ok(!isAllowedHost(undefined, hosts));
  assert.ok(isAllowedHost('[::1]:9000', allowedHosts('::1', 9000)));
  assert.deepEqual([...allowedHosts('10.0.0.5', 80)], ['10.0.0.5:80']);
});

test('isAllowedOrigin: absent, or exactly http://<allowed host>', () => {
  const hosts = allowedHosts('127.0.0.1', 8123);
  assert.ok(isAllowedOrigin(undefined, hosts));
  assert.ok(isAllowedOrigin('http://localhost:8123', hosts));
  assert.ok(!isAllowedOrigin('http://evil.example', hosts));
  assert.ok(!isAllowedOrigin('null', hosts));
  assert.ok(!isAllowedOrigin('https://127.0.0.1:8123', hosts));
});

test('UiAuth: the login token opens one session, once; the cookie finds it', () => {
  const auth = new UiAuth('gitseal-ui-1');
  assert.equal(auth.exchange('wrong'), undefined);
  const session = auth.exchange(auth.loginToken);
  assert.ok(session);
  assert.equal(auth.exchange(auth.loginToken), undefined, 'one time only');
  assert.match(auth.cookie(session), /^gitseal-ui-1=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
  assert.equal(auth.sessionOf(`a=b; gitseal-ui-1=${session.id}`), session);
  assert.equal(auth.sessionOf('gitseal-ui-1=forged'), undefined);
  assert.equal(auth.sessionOf(undefined), undefined);
  assert.notEqual(session.csrfToken, session.id);
});

test('parseCookies and sameToken', () => {
  assert.deepEqual(
    [...parseCookies(' a=1; b = 2 ;c=x=y; a=3; junk')],
    [
      ['a', '1'],
      ['b', '2'],
      ['c', 'x=y'],
    ],
  );
  assert.ok(sameToken('abc', 'abc'));
  assert.ok(!sameToken('abd', 'abc'));
  assert.ok(!sameToken('ab', 'abc'));
  assert.ok(!sameToken(undefined, 'abc'));
});
