import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authForOrigin, basicAuthorization, chartAuthorization, sourceOrigin } from './chart-auth.js';

test('bearer wins over basic; basic is base64 of user:password; unsafe values send nothing', () => {
  assert.equal(chartAuthorization({ bearerToken: 'tok', username: 'u', password: 'p' }), 'Bearer tok');
  assert.equal(chartAuthorization({ username: 'u', password: 'p' }), `Basic ${Buffer.from('u:p').toString('base64')}`);
  assert.equal(chartAuthorization({ bearerToken: 'a\r\nX-Evil: 1' }), undefined);
  assert.equal(basicAuthorization({ username: 'a:b', password: 'p' }), undefined);
  assert.equal(basicAuthorization({ caBundle: 'pem' }), undefined);
  assert.equal(chartAuthorization(undefined), undefined);
});

test('origins: scheme, host and port, oci:// included', () => {
  assert.equal(sourceOrigin('https://Charts.Example.com/stable'), 'https://charts.example.com');
  assert.equal(sourceOrigin('https://charts.example.com:443/x'), 'https://charts.example.com');
  assert.equal(sourceOrigin('oci://reg.example:5000/charts'), 'oci://reg.example:5000');
  assert.equal(sourceOrigin('not a url'), undefined);
});

test('credentials go only to the chart source origin; elsewhere only the CA bundle', () => {
  const auth = { username: 'u', password: 'p', caBundle: 'pem' };
  assert.equal(authForOrigin(auth, 'https://a.example/charts', 'https://a.example/other'), auth);
  assert.deepEqual(authForOrigin(auth, 'https://a.example/charts', 'https://b.example/charts'), { caBundle: 'pem' });
  assert.deepEqual(authForOrigin(auth, 'https://a.example', 'oci://a.example/charts'), { caBundle: 'pem' });
  assert.deepEqual(authForOrigin(auth, undefined, 'https://a.example'), { caBundle: 'pem' });
  assert.equal(authForOrigin({ username: 'u' }, 'https://a.example', 'https://b.example'), undefined);
});
