import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthCheckSpec, KubeObject } from '@gitseal/manifests';
import {
  compileHealthChecks,
  MAX_EXPRESSION_LENGTH,
  MAX_HEALTH_CHECKS,
  pollBudget,
  POLL_BUDGET_MS,
} from './health-checks.js';
import { HealthStatus, objectHealth } from './health.js';
import { SyncError } from './sync-error.js';

const { Current, InProgress, Failed } = HealthStatus;
const database = (status: Record<string, unknown>, generation = 1): KubeObject => ({
  apiVersion: 'db.example.com/v1',
  kind: 'Database',
  metadata: { name: 'orders', namespace: 'shop', generation },
  spec: { replicas: 3 },
  status,
});
const entry: HealthCheckSpec = {
  apiVersion: 'db.example.com/v1',
  kind: 'Database',
  inProgress: "status.phase in ['Pending', 'Provisioning']",
  failed: "status.phase == 'Failed'",
  current: "status.phase == 'Running' && status.readyReplicas == spec.replicas",
};
const invalid = (specs: HealthCheckSpec[], message: RegExp) =>
  assert.throws(
    () => compileHealthChecks(specs),
    (e: unknown) => e instanceof SyncError && e.reason === 'InvalidSpec' && message.test(e.message),
  );

describe('spec.healthChecks (Flux healthCheckExprs)', () => {
  const checks = compileHealthChecks([entry]);

  it('evaluates inProgress, failed, current in that order; none true is InProgress', () => {
    const health = (status: Record<string, unknown>) => objectHealth(database(status), { checks });
    assert.equal(health({ phase: 'Provisioning' }).status, InProgress);
    assert.equal(health({ phase: 'Failed' }).status, Failed);
    assert.match(
      health({ phase: 'Failed' }).message,
      /^spec.healthChecks\[0\] \(db.example.com Database\): failed is true$/,
    );
    assert.equal(health({ phase: 'Running', readyReplicas: 3 }).status, Current);
    assert.equal(health({ phase: 'Running', readyReplicas: 2 }).status, InProgress);
    assert.match(health({ phase: 'Running', readyReplicas: 2 }).message, /no expression is true yet/);
  });

  it('replaces the built-in rules of that kind only (any API version of the group), not of others', () => {
    // A Ready=True condition would make it Current without the entry.
    const ready = { phase: 'Pending', conditions: [{ type: 'Ready', status: 'True' }] };
    assert.equal(objectHealth(database(ready), { checks }).status, InProgress);
    assert.equal(objectHealth({ ...database(ready), apiVersion: 'db.example.com/v2' }, { checks }).status, InProgress);
    assert.equal(objectHealth(database(ready)).status, Current);
    const other = { ...database(ready), kind: 'Backup' };
    assert.equal(objectHealth(other, { checks }).status, Current);
  });

  it('waits for observedGeneration before evaluating, as Flux does', () => {
    const stale = objectHealth(database({ phase: 'Failed', observedGeneration: 1 }, 2), { checks });
    assert.equal(stale.status, InProgress);
    assert.match(stale.message, /observedGeneration 1 < generation 2/);
  });

  it('a missing field or a non-bool result leaves it InProgress, naming only the key', () => {
    const noStatus = objectHealth(database({}), { checks });
    assert.equal(noStatus.status, InProgress);
    assert.match(noStatus.message, /inProgress: no such key$/);
    const optional = compileHealthChecks([
      { apiVersion: entry.apiVersion, kind: entry.kind, current: "status.?phase.orValue('') == 'Running'" },
    ]);
    assert.match(objectHealth(database({}), { checks: optional }).message, /no expression is true yet/);
    const { status: _none, ...statusless } = database({});
    assert.match(objectHealth(statusless, { checks: optional }).message, /no expression is true yet/);
    const dyn = compileHealthChecks([{ apiVersion: entry.apiVersion, kind: entry.kind, current: 'status.phase' }]);
    assert.match(objectHealth(database({ phase: 'Running' }), { checks: dyn }).message, /current: not a bool/);
  });

  it('reads integers as CEL ints, and lists with macros', () => {
    const c = compileHealthChecks([
      {
        apiVersion: 'db.example.com/v1',
        kind: 'Database',
        current:
          "status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True' && e.observedGeneration == metadata.generation) && status.readyReplicas + 1 > 3",
      },
    ]);
    const status = { readyReplicas: 3, conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }] };
    assert.equal(objectHealth(database(status), { checks: c }).status, Current);
  });

  it('can override a core kind, e.g. a Job that must complete', () => {
    const c = compileHealthChecks([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        current: 'status.?succeeded.orValue(0) >= 1',
        failed: 'status.?failed.orValue(0) >= 3',
      },
    ]);
    const job = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      status,
    });
    assert.equal(objectHealth(job({ startTime: '2026-01-01T00:00:00Z', active: 1 })).status, Current);
    assert.equal(objectHealth(job({ startTime: '2026-01-01T00:00:00Z', active: 1 }), { checks: c }).status, InProgress);
    assert.equal(objectHealth(job({ failed: 3 }), { checks: c }).status, Failed);
  });

  it('refuses, naming the entry: bad syntax, types, non-bool, length, duplicates, count, missing fields', () => {
    invalid(
      [{ ...entry, failed: "status.phase == 'Failed' &&" }],
      /^spec.healthChecks\[0\] \(db.example.com Database\) failed: invalid CEL expression: /,
    );
    invalid(
      [entry, { ...entry, kind: 'Backup', current: "'a' + 1 == 'a1'" }],
      /^spec.healthChecks\[1\] \(db.example.com Backup\) current: invalid CEL/,
    );
    invalid([{ ...entry, current: '1 + 2' }], /current: must be a bool expression, not int/);
    invalid(
      [{ ...entry, current: 'true || '.repeat(200) + 'true' }],
      new RegExp(`longer than ${MAX_EXPRESSION_LENGTH}`),
    );
    invalid(
      [entry, { ...entry, apiVersion: 'db.example.com/v2' }],
      /\[1\].*a second entry for db.example.com Database/,
    );
    invalid(
      Array.from({ length: MAX_HEALTH_CHECKS + 1 }, (_, i) => ({ ...entry, kind: `K${i}` })),
      /more than 32 entries/,
    );
    invalid([{ ...entry, current: '' }], /current is required/);
    invalid([{ ...entry, kind: '' }], /apiVersion and kind are required/);
    // Deep nesting and huge ASTs are cut at parse time.
    invalid([{ ...entry, current: `${'('.repeat(60)}true${')'.repeat(60)}` }], /invalid CEL expression/);
    assert.equal(compileHealthChecks(undefined).size, 0);
  });

  it('reads nothing but the object: no host variables, no prototype keys', () => {
    for (const current of ['process.env.HOME != ""', "metadata.constructor != ''", "metadata.__proto__ != ''"]) {
      const c = compileHealthChecks([{ apiVersion: entry.apiVersion, kind: entry.kind, current }]);
      const h = objectHealth(database({ phase: 'Running' }), { checks: c });
      assert.equal(h.status, InProgress, current);
      assert.match(h.message, /unknown variable$|no such key$/);
    }
  });
  it('cannot hang: a slow evaluation is cut after its time budget', () => {
    const c = compileHealthChecks([
      {
        apiVersion: 'db.example.com/v1',
        kind: 'Database',
        current: 'status.list.all(x, status.list.all(y, status.list.all(z, x + y + z >= 0)))',
        failed: "status.s.matches('^(a+)+$')",
      },
    ]);
    const list = Array.from({ length: 2000 }, (_, i) => i);
    const started = Date.now();
    const slow = objectHealth(database({ list, s: 'b' }), { checks: c });
    assert.equal(slow.status, InProgress);
    assert.match(slow.message, /current: took too long$/);
    const redos = objectHealth(database({ list: [], s: `${'a'.repeat(40)}!` }), { checks: c });
    assert.match(redos.message, /failed: took too long$/);
    assert.ok(Date.now() - started < 2_000, `${Date.now() - started} ms`);
  });

  it('one poll of many objects spends at most its shared budget, whatever the expressions', () => {
    const c = compileHealthChecks([
      { apiVersion: 'db.example.com/v1', kind: 'Database', current: "status.s.matches('^(a+)+$')" },
    ]);
    const budget = pollBudget();
    const started = performance.now();
    const results = Array.from({ length: 50 }, () =>
      objectHealth(database({ s: `${'a'.repeat(40)}!` }), { checks: c, budget }),
    );
    const spent = performance.now() - started;
    assert.ok(spent < POLL_BUDGET_MS + 150, `the poll blocked ${spent.toFixed(0)} ms for 50 objects`);
    assert.ok(results.every((h) => h.status === InProgress));
    assert.match(results.at(-1)?.message ?? '', /not evaluated yet \(this poll's time is used up\)$/);
  });

  it("never shows a Secret's values: they are not in the expressions' view, and errors quote no key", () => {
    const secretMarker = 'hunter2-plaintext';
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      data: { password: Buffer.from(secretMarker).toString('base64') },
      stringData: { token: secretMarker },
    };
    for (const current of [
      "data.password == ''",
      '{}[data.password.substring(0, 8)] == 1',
      'has(stringData.token)',
      "{}[metadata.name + 'x'] == 1",
    ]) {
      const c = compileHealthChecks([{ apiVersion: 'v1', kind: 'Secret', current }]);
      const h = objectHealth(secret, { checks: c });
      assert.equal(h.status, InProgress, current);
      assert.ok(
        !h.message.includes('hunter2') && !h.message.includes('aHVudGVy') && !h.message.includes('dbx'),
        h.message,
      );
    }
  });
});
