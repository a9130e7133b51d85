import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { decideApply, sameAsLive, type ApplyDecisionInput } from './apply-decision.js';
import { APPLIED_DIGEST_ANNOTATION, appliedRecord } from './applied-digest.js';
import { SSA_ANNOTATION } from './ssa-policy.js';
import { SYNC_LABEL } from './sync-label.js';

const deployment = (replicas: number, extra: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', labels: { [SYNC_LABEL]: 'ns.app', tier: 'web' }, annotations: extra },
  spec: { replicas, template: { spec: { containers: [{ name: 'a', image: 'app:1' }] } } },
});

/** What the API server would store for `sent` (no mutation here): with server metadata. */
const stored = (sent: KubeObject, resourceVersion = '5', generation = 1): KubeObject => ({
  ...sent,
  metadata: { ...sent.metadata, resourceVersion, generation, managedFields: [{ manager: 'gitseal' }] } as never,
  status: { replicas: 0 },
});

const input = (over: Partial<ApplyDecisionInput>): ApplyDecisionInput => ({
  object: deployment(1),
  live: undefined,
  record: undefined,
  exists: () => Promise.resolve(false),
  ...over,
});

describe('decideApply', () => {
  it('creates a missing object as Git says, with its digest', async () => {
    const decision = await decideApply(
      input({ ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }] }),
    );
    assert.equal(decision.kind, 'apply');
    if (decision.kind !== 'apply') return;
    assert.equal((decision.object['spec'] as { replicas: number }).replicas, 1);
    assert.match(decision.object.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION] ?? '', /^sha256:/);
  });

  it('never applies ssa: Ignore; IfNotPresent only when missing', async () => {
    const ignore = deployment(1, { [SSA_ANNOTATION]: 'Ignore' });
    assert.equal((await decideApply(input({ object: ignore }))).kind, 'skip');
    const ifNotPresent = deployment(1, { [SSA_ANNOTATION]: 'IfNotPresent' });
    assert.equal((await decideApply(input({ object: ifNotPresent }))).kind, 'apply');
    assert.equal(
      (await decideApply(input({ object: ifNotPresent, exists: () => Promise.resolve(true) }))).kind,
      'skip',
      'exists without our label',
    );
    const first = await decideApply(input({ object: ifNotPresent }));
    if (first.kind !== 'apply') throw new Error('expected apply');
    const live = stored({ ...first.object, spec: { replicas: 9 } });
    assert.equal((await decideApply(input({ object: ifNotPresent, live }))).kind, 'skip', 'edited: left as is');
  });

  it('without a record, dry-runs: equal means skip (and a record), different means apply', async () => {
    const first = await decideApply(input({}));
    if (first.kind !== 'apply') throw new Error('expected apply');
    const live = stored(first.object);
    let dryRuns = 0;
    const equal = await decideApply(
      input({
        live,
        dryRun: (o) => {
          dryRuns++;
          return Promise.resolve(stored(o, '5', 1));
        },
      }),
    );
    assert.equal(equal.kind, 'skip');
    assert.equal(dryRuns, 1);
    assert.ok(equal.kind === 'skip' && equal.record?.owned, 'the record keeps the owned metadata');
    const drifted = stored({ ...first.object, spec: { replicas: 1, template: { spec: { containers: [] } } } });
    const healed = await decideApply(input({ live: drifted, dryRun: (o) => Promise.resolve(stored(o, '6', 2)) }));
    assert.equal(healed.kind, 'apply');
    const noDryRun = await decideApply(input({ live }));
    assert.equal(noDryRun.kind, 'apply', 'no record and no dry run: apply (a no-op apply writes nothing)');
  });

  it('uses a dry run already made (the revision-wide one) instead of asking again', async () => {
    const first = await decideApply(input({}));
    if (first.kind !== 'apply') throw new Error('expected apply');
    const live = stored(first.object);
    const failing = () => Promise.reject(new Error('no second dry run expected'));
    const equal = await decideApply(input({ live, dryRun: failing, dryRunResult: stored(first.object) }));
    assert.equal(equal.kind, 'skip');
    const drifted = stored({ ...first.object, spec: { replicas: 3 } });
    const heal = await decideApply(input({ live: drifted, dryRun: failing, dryRunResult: stored(first.object) }));
    assert.equal(heal.kind, 'apply');
  });

  it('with a record: skips without asking, until a label gitseal set is edited', async () => {
    const first = await decideApply(input({}));
    if (first.kind !== 'apply') throw new Error('expected apply');
    const live = stored(first.object);
    const record = first.recordOf(live);
    const failing = () => Promise.reject(new Error('no dry run expected'));
    assert.equal((await decideApply(input({ live, record, dryRun: failing }))).kind, 'skip');
    const labels = { ...live.metadata?.labels, tier: 'hacked' };
    const edited = { ...live, metadata: { ...live.metadata, labels } };
    const decision = await decideApply(input({ live: edited, record, dryRun: (o) => Promise.resolve(stored(o)) }));
    assert.equal(decision.kind, 'apply');
    assert.equal(decision.kind === 'apply' && decision.object.metadata?.labels?.['tier'], 'web');
  });

  it('ignoreDifferences: keeps the live value of an ignored field, still heals the others', async () => {
    const rules = [{ group: 'apps', kind: 'Deployment', name: 'web', jsonPointers: ['/spec/replicas'] }];
    const first = await decideApply(input({ ignoreDifferences: rules }));
    if (first.kind !== 'apply') throw new Error('expected apply');
    const scaled = stored({ ...first.object, spec: { ...(first.object['spec'] as object), replicas: 5 } }, '6', 2);
    const record = first.recordOf(stored(first.object));
    const dryRun = (o: KubeObject) => Promise.resolve(stored(o, '6', 2));
    const kept = await decideApply(input({ live: scaled, record, ignoreDifferences: rules, dryRun }));
    assert.equal(kept.kind, 'skip', 'a scale by hand is not drift');
    const imageEdited = stored(
      { ...scaled, spec: { replicas: 5, template: { spec: { containers: [{ name: 'a', image: 'evil:1' }] } } } },
      '7',
      3,
    );
    const healed = await decideApply(input({ live: imageEdited, record, ignoreDifferences: rules, dryRun }));
    assert.equal(healed.kind, 'apply');
    if (healed.kind !== 'apply') return;
    assert.deepEqual(healed.object['spec'], {
      replicas: 5,
      template: { spec: { containers: [{ name: 'a', image: 'app:1' }] } },
    });
  });

  it('keeps the digest Git alone gives, and checks an object again when its rules change', async () => {
    const rules = [{ kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];
    const plain = await decideApply(input({}));
    const ruled = await decideApply(input({ ignoreDifferences: rules }));
    if (plain.kind !== 'apply' || ruled.kind !== 'apply') throw new Error('expected apply');
    assert.equal(
      plain.object.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION],
      ruled.object.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION],
      'gitseal diff computes the same digest',
    );
    const live = stored(plain.object);
    const record = plain.recordOf(live);
    assert.equal((await decideApply(input({ live, record }))).kind, 'skip');
    let dryRuns = 0;
    const dryRun = (o: KubeObject) => {
      dryRuns++;
      return Promise.resolve(stored(o));
    };
    const checked = await decideApply(input({ live, record, ignoreDifferences: rules, dryRun }));
    assert.equal(checked.kind, 'skip');
    assert.equal(dryRuns, 1, 'a new rule: verified with a dry run, not trusted');
    assert.equal(checked.kind === 'skip' && checked.record?.ignored, '/spec/replicas');
    assert.ok(appliedRecord('x', plain.object));
  });
});

describe('sameAsLive', () => {
  it('ignores status, managed fields, versions and timestamps, not content', () => {
    const a = stored(deployment(1), '5', 1);
    const b = { ...stored(deployment(1), '9', 4), status: { replicas: 3 } };
    (b.metadata as Record<string, unknown>)['creationTimestamp'] = new Date(0);
    assert.equal(sameAsLive(a, b), true);
    assert.equal(sameAsLive(a, stored(deployment(2))), false);
    assert.equal(sameAsLive(a, stored(deployment(2)), [['spec', 'replicas']]), true);
  });
});
