import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handledSync, parseWaitTimeout } from './sync-wait.js';

describe('handledSync', () => {
  const ready = { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: r' };
  it('waits for exactly this request, then reports the Ready condition', () => {
    assert.equal(handledSync({ status: { conditions: [ready] } }, 't1'), undefined);
    assert.equal(handledSync({ status: { lastHandledRequestedAt: 't0', conditions: [ready] } }, 't1'), undefined);
    assert.deepEqual(handledSync({ status: { lastHandledRequestedAt: 't1', conditions: [ready] } }, 't1'), {
      ready: true,
      summary: 'Ready=True (ReconciliationSucceeded): Applied revision: r',
    });
    const failed = { type: 'Ready', status: 'False', reason: 'PlaintextSecretInGit', message: 'a.yaml: x\u001b[31m' };
    const out = handledSync({ status: { lastHandledRequestedAt: 't1', conditions: [failed] } }, 't1');
    assert.equal(out?.ready, false);
    assert.ok(out && !out.summary.includes('\u001b'), 'control characters are not printed');
    assert.deepEqual(handledSync({ status: { lastHandledRequestedAt: 't1' } }, 't1'), {
      ready: false,
      summary: 'Ready=Unknown',
    });
  });
});

describe('parseWaitTimeout', () => {
  it('reads minutes, seconds and milliseconds', () => {
    assert.equal(parseWaitTimeout('2m'), 120_000);
    assert.equal(parseWaitTimeout('1m30s'), 90_000);
    assert.equal(parseWaitTimeout('500ms'), 500);
    for (const bad of ['', '0s', '2h', 'abc', '-1s', '1.5s']) assert.equal(parseWaitTimeout(bad), undefined, bad);
  });
});
