import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GitSync } from '@gitseal/manifests';
import {
  finalizerPatch,
  GIT_SYNC_FINALIZER,
  hasFinalizer,
  planDeletion,
  type DeletionFacts,
} from './git-sync-finalizer.js';

const gitSync = (finalizers?: string[], spec: Partial<GitSync['spec']> = {}): GitSync =>
  ({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'GitSync',
    metadata: { name: 'app', namespace: 'team', resourceVersion: '7', ...(finalizers ? { finalizers } : {}) },
    spec: { source: { url: 'https://git.example/app.git' }, ...spec },
  }) as GitSync;

const tenant = {
  ok: true,
  identity: { kind: 'serviceAccount', namespace: 'team', name: 'deployer' },
  tenant: true,
} as const;
const facts: DeletionFacts = { identity: tenant, namespaceTerminating: false, serviceAccountGone: false };

describe('finalizerPatch', () => {
  it('adds and removes only its own finalizer, guarded by the resourceVersion', () => {
    assert.equal(hasFinalizer(gitSync()), false);
    assert.deepEqual(finalizerPatch(gitSync(['other']), true), {
      metadata: { finalizers: ['other', GIT_SYNC_FINALIZER], resourceVersion: '7' },
    });
    assert.equal(finalizerPatch(gitSync([GIT_SYNC_FINALIZER]), true), undefined);
    assert.ok(hasFinalizer(gitSync([GIT_SYNC_FINALIZER])));
    assert.deepEqual(finalizerPatch(gitSync(['other', GIT_SYNC_FINALIZER]), false), {
      metadata: { finalizers: ['other'], resourceVersion: '7' },
    });
    assert.equal(finalizerPatch(gitSync(), false), undefined);
  });
});

describe('planDeletion', () => {
  it('prunes with spec.prune (the default) when the GitSync can act', () => {
    assert.deepEqual(planDeletion(gitSync(), facts), { prune: true });
    assert.deepEqual(planDeletion(gitSync(undefined, { prune: true }), facts), { prune: true });
  });

  it('never prunes, and so never holds the deletion, when it cannot or must not', () => {
    const why = (g: GitSync, f = facts) => {
      const plan = planDeletion(g, f);
      return plan.prune ? 'prune' : plan.why;
    };
    assert.equal(why(gitSync(undefined, { prune: false })), 'spec.prune is false');
    assert.equal(why(gitSync(undefined, { suspend: true })), 'it is suspended');
    const refused = { ok: false, reason: 'ServiceAccountRequired', message: 'set it' } as const;
    assert.equal(why(gitSync(), { ...facts, identity: refused }), 'refused by tenancy rules (ServiceAccountRequired)');
    assert.equal(why(gitSync(), { ...facts, namespaceTerminating: true }), 'its namespace is being deleted');
    assert.equal(why(gitSync(), { ...facts, serviceAccountGone: true }), 'its ServiceAccount team/deployer is gone');
    const platform = { ok: true, identity: { kind: 'controller' }, tenant: false } as const;
    assert.equal(why(gitSync(), { ...facts, identity: platform, serviceAccountGone: true }), 'prune');
  });
});
