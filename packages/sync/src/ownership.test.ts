import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import type { PlannedObject } from './apply-order.js';
import { inventoryId } from './inventory.js';
import { checkOwnership, TAKEOVER_ANNOTATION } from './ownership.js';
import { SyncError } from './sync-error.js';

const cm = (name: string, labels: Record<string, string>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'team-a', labels, ...(annotations ? { annotations } : {}) },
});
const planned = (object: KubeObject): PlannedObject =>
  ({ object, source: `${object.metadata?.name}.yaml#0` }) as PlannedObject;
const owners: Record<string, { namespace: string; name: string }> = {
  'team-a.other': { namespace: 'team-a', name: 'other' },
  'team-b.app': { namespace: 'team-b', name: 'app' },
};

function conflict(objects: KubeObject[], live: KubeObject[]): string | undefined {
  try {
    checkOwnership({
      objects: objects.map(planned),
      others: new Map(live.map((o) => [inventoryId(o), o])),
      ownerOf: (label) => owners[label],
      namespace: 'team-a',
    });
    return undefined;
  } catch (error) {
    assert.ok(error instanceof SyncError);
    assert.equal(error.reason, 'OwnershipConflict');
    return error.message;
  }
}

describe('checkOwnership', () => {
  const mine = { 'gitseal.dev/sync': 'team-a.mine' };
  it('refuses an object another existing GitSync applied, naming it when it is in the same namespace', () => {
    const message = conflict([cm('shared', mine)], [cm('shared', { 'gitseal.dev/sync': 'team-a.other' })]);
    assert.match(message ?? '', /^shared\.yaml#0: ConfigMap team-a\/shared: already applied by GitSync team-a\/other/);
    assert.match(message ?? '', /gitseal\.dev\/takeover/);
  });

  it('does not name a GitSync of another namespace', () => {
    const message = conflict([cm('shared', mine)], [cm('shared', { 'gitseal.dev/sync': 'team-b.app' })]);
    assert.match(message ?? '', /a GitSync in another namespace/);
    assert.doesNotMatch(message ?? '', /team-b/);
  });

  it('takes over when the previous owner is gone, or the takeover annotation is set in Git or live', () => {
    assert.equal(conflict([cm('x', mine)], [cm('x', { 'gitseal.dev/sync': 'team-a.deleted' })]), undefined);
    const other = { 'gitseal.dev/sync': 'team-a.other' };
    assert.equal(conflict([cm('x', mine, { [TAKEOVER_ANNOTATION]: 'true' })], [cm('x', other)]), undefined);
    assert.equal(conflict([cm('x', mine)], [cm('x', other, { [TAKEOVER_ANNOTATION]: 'true' })]), undefined);
    assert.notEqual(conflict([cm('x', mine, { [TAKEOVER_ANNOTATION]: 'yes' })], [cm('x', other)]), undefined);
  });

  const managed = (object: KubeObject, entries: Record<string, unknown>[]): KubeObject => ({
    ...object,
    metadata: { ...object.metadata, managedFields: entries } as NonNullable<KubeObject['metadata']>,
  });
  const takeoverFields = { 'f:metadata': { 'f:annotations': { [`f:${TAKEOVER_ANNOTATION}`]: {} } } };
  const otherFields = { 'f:data': { 'f:a': {} } };
  const engine = (time: string, fieldsV1: unknown) => ({ manager: 'gitseal', operation: 'Apply', time, fieldsV1 });
  const byHand = (time: string) => ({
    manager: 'kubectl-annotate',
    operation: 'Update',
    time: new Date(time),
    fieldsV1: takeoverFields,
  });

  it('does not flip: after a takeover from Git, the previous owner cannot take the object back', () => {
    const other = { 'gitseal.dev/sync': 'team-a.other' };
    // "other" took it over with the annotation in its Git: the live copy carries it, applied by the engine.
    const taken = managed(cm('x', other, { [TAKEOVER_ANNOTATION]: 'true' }), [
      engine('2026-01-01T00:00:10Z', takeoverFields),
    ]);
    assert.match(
      conflict([cm('x', mine)], [taken]) ?? '',
      /already applied by GitSync team-a\/other \(remove it there/,
    );
    // Both manifests claiming it is refused too (else each would take it back at every sync).
    assert.match(
      conflict([cm('x', mine, { [TAKEOVER_ANNOTATION]: 'true' })], [taken]) ?? '',
      /whose manifest carries gitseal\.dev\/takeover: "true" too/,
    );
  });

  it('a takeover annotation set by hand hands the object over once', () => {
    const other = { 'gitseal.dev/sync': 'team-a.other' };
    const annotated = cm('x', other, { [TAKEOVER_ANNOTATION]: 'true' });
    const fresh = managed(annotated, [engine('2026-01-01T00:00:10Z', otherFields), byHand('2026-01-01T00:01:00Z')]);
    assert.equal(conflict([cm('x', mine)], [fresh]), undefined, 'annotated after the owner applied: handed over');
    // "other" took it with that annotation and applied it later: the annotation does not hand it back.
    const used = managed(annotated, [engine('2026-01-01T00:02:00Z', otherFields), byHand('2026-01-01T00:01:00Z')]);
    assert.notEqual(conflict([cm('x', mine)], [used]), undefined);
  });

  it('ignores objects nobody else applied', () => {
    assert.equal(
      conflict([cm('a', mine), cm('b', mine)], [cm('c', { 'gitseal.dev/sync': 'team-a.other' })]),
      undefined,
    );
  });
});
