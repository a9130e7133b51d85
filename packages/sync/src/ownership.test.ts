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

  it('ignores objects nobody else applied', () => {
    assert.equal(
      conflict([cm('a', mine), cm('b', mine)], [cm('c', { 'gitseal.dev/sync': 'team-a.other' })]),
      undefined,
    );
  });
});
