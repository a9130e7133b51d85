import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { defaultIdentity, isLeaseExpired, LeaderElector } from './leader-election.js';

const now = Date.parse('2025-06-01T12:00:00Z');

test('isLeaseExpired: held and fresh is not expired', () => {
  const spec = { holderIdentity: 'a', renewTime: new Date(now - 5_000), leaseDurationSeconds: 15 };
  assert.equal(isLeaseExpired(spec, now), false);
});

test('isLeaseExpired: renewTime + duration in the past is expired (string or Date times)', () => {
  assert.equal(
    isLeaseExpired({ holderIdentity: 'a', renewTime: new Date(now - 16_000), leaseDurationSeconds: 15 }, now),
    true,
  );
  const asString = { holderIdentity: 'a', renewTime: '2025-06-01T11:59:44.000000Z', leaseDurationSeconds: 15 };
  assert.equal(isLeaseExpired(asString as never, now), true);
  const freshString = { holderIdentity: 'a', renewTime: '2025-06-01T11:59:50.000000Z', leaseDurationSeconds: 15 };
  assert.equal(isLeaseExpired(freshString as never, now), false);
});

test('isLeaseExpired: no holder, no renew time or no duration means free', () => {
  assert.equal(isLeaseExpired(undefined, now), true);
  assert.equal(isLeaseExpired({ holderIdentity: '', renewTime: new Date(now), leaseDurationSeconds: 15 }, now), true);
  assert.equal(isLeaseExpired({ holderIdentity: 'a', leaseDurationSeconds: 15 }, now), true);
  assert.equal(isLeaseExpired({ holderIdentity: 'a', renewTime: new Date(now) }, now), true);
});

test('defaultIdentity is hostname_pid_random and unique', () => {
  const a = defaultIdentity();
  assert.match(a, new RegExp(`_${process.pid}_[0-9a-f]{8}$`));
  assert.notEqual(a, defaultIdentity());
});

test('timings must satisfy retry < renew deadline < lease duration', () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const base = { kubeConfig, namespace: 'ns', name: 'lock' };
  assert.throws(() => new LeaderElector({ ...base, leaseDurationSeconds: 5, renewDeadlineMs: 5_000 }), RangeError);
  assert.throws(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 }), RangeError);
  const elector = new LeaderElector({ ...base, identity: 'me' });
  assert.equal(elector.identity, 'me');
  assert.equal(elector.isLeader(), false);
});
