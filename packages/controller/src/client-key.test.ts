import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientKey, UNKNOWN_CLIENT } from './client-key.js';

test('IPv4 peers are keyed by address, also when written IPv4-mapped', () => {
  assert.equal(clientKey('127.0.0.1'), '127.0.0.1');
  assert.equal(clientKey('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(clientKey('::ffff:7f00:1'), '127.0.0.1');
  assert.equal(clientKey('10.1.2.3'), '10.1.2.3');
});

test('IPv6 peers are keyed by their /64: cycling the interface id gives no new bucket', () => {
  assert.equal(clientKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:db8:1:2:ffff:ffff:ffff:fffe'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:0db8:0001:0002:0:0:0:9'), '2001:db8:1:2::/64');
  assert.notEqual(clientKey('2001:db8:1:3::1'), clientKey('2001:db8:1:2::1'));
  assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(clientKey('::1'), '0:0:0:0::/64');
});

test('no or unreadable address: one shared key', () => {
  assert.equal(clientKey(undefined), UNKNOWN_CLIENT);
  assert.equal(clientKey(''), UNKNOWN_CLIENT);
  assert.equal(clientKey('not-an-address'), UNKNOWN_CLIENT);
});
