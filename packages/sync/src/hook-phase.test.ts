import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { ApplyTier } from './apply-order.js';
import { hookKey, hooksOf, isHookObject, objectsToCheck, splitRevision } from './hook-phase.js';
import type { RenderedObject } from './render.js';
import { SyncError } from './sync-error.js';

const job = (
  annotations: Record<string, string> = {},
  meta: Record<string, string> = { name: 'migrate' },
): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { namespace: 'shop', ...meta, annotations },
});
const r = (object: KubeObject, i = 0): RenderedObject => ({ object, source: `hooks.yaml#${i}` });
const invalid = (message: string) => (error: unknown) =>
  error instanceof SyncError && error.reason === 'InvalidManifest' && error.message === message;

describe('splitRevision', () => {
  it('keeps objects without a hook annotation in the main phase', () => {
    const cm = r({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop' } });
    assert.deepEqual(splitRevision([cm]), { main: [cm], hooks: [], skipped: [] });
  });

  it("reads gitseal's and Argo CD's hook annotations the same way, with BeforeHookCreation by default", () => {
    const split = splitRevision([
      r(job({ 'gitseal.dev/hook': 'PreSync' })),
      r(job({ 'argocd.argoproj.io/hook': 'PostSync, SyncFail', 'argocd.argoproj.io/sync-wave': '-2' }, { name: 'b' })),
    ]);
    assert.deepEqual(
      split.hooks.map((h) => ({ phases: h.phases, policies: h.policies, wave: h.wave, tier: h.tier })),
      [
        { phases: ['PreSync'], policies: ['BeforeHookCreation'], wave: 0, tier: ApplyTier.Rest },
        { phases: ['PostSync', 'SyncFail'], policies: ['BeforeHookCreation'], wave: -2, tier: ApplyTier.Rest },
      ],
    );
    assert.deepEqual(split.main, []);
  });

  it('reads delete policies from either annotation; gitseal wins when both are set', () => {
    const [a, b, c] = splitRevision([
      r(
        job(
          { 'gitseal.dev/hook': 'PreSync', 'gitseal.dev/hook-delete-policy': 'HookSucceeded,HookFailed' },
          { name: 'a' },
        ),
      ),
      r(
        job(
          { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' },
          { name: 'b' },
        ),
      ),
      r(
        job(
          {
            'gitseal.dev/hook': 'PreSync',
            'gitseal.dev/hook-delete-policy': 'HookFailed',
            'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
          },
          { name: 'c' },
        ),
      ),
    ]).hooks;
    assert.deepEqual(a?.policies, ['HookSucceeded', 'HookFailed']);
    assert.deepEqual(b?.policies, ['HookSucceeded']);
    assert.deepEqual(c?.policies, ['HookFailed']);
  });

  it('sets Skip objects aside; Skip next to a phase counts as that phase (as Argo CD)', () => {
    const skip = r(job({ 'argocd.argoproj.io/hook': 'Skip' }));
    const split = splitRevision([skip, r(job({ 'gitseal.dev/hook': 'Skip,PreSync' }, { name: 'x' }))]);
    assert.deepEqual(split.skipped, [skip]);
    assert.deepEqual(split.hooks[0]?.phases, ['PreSync']);
  });

  it('allows generateName on hooks only', () => {
    const generated = r(job({ 'gitseal.dev/hook': 'PreSync' }, { generateName: 'migrate-' }));
    assert.equal(splitRevision([generated]).hooks.length, 1);
    assert.throws(
      () => splitRevision([r(job({}, { generateName: 'migrate-' }))]),
      invalid('hooks.yaml#0: Job: metadata.name is missing (generateName is only allowed on hooks)'),
    );
  });

  it('refuses unknown phases, delete hooks, unknown policies and bad waves, naming file and object', () => {
    assert.throws(
      () => splitRevision([r(job({ 'gitseal.dev/hook': 'PreSnyc' }))]),
      invalid('hooks.yaml#0: Job shop/migrate: unknown hook "PreSnyc" (use PreSync, Sync, PostSync, SyncFail or Skip)'),
    );
    assert.throws(
      () => splitRevision([r(job({ 'argocd.argoproj.io/hook': 'PostDelete' }))]),
      invalid('hooks.yaml#0: Job shop/migrate: hook PostDelete is not supported (gitseal runs no delete hooks)'),
    );
    assert.throws(
      () => splitRevision([r(job({ 'gitseal.dev/hook': 'PreSync', 'gitseal.dev/hook-delete-policy': 'Always' }))]),
      invalid(
        'hooks.yaml#0: Job shop/migrate: unknown hook delete policy "Always" (use BeforeHookCreation, HookSucceeded or HookFailed)',
      ),
    );
    assert.throws(
      () => splitRevision([r(job({ 'gitseal.dev/hook': ' , ' }))]),
      invalid('hooks.yaml#0: Job shop/migrate: hook annotation is empty'),
    );
    assert.throws(
      () => splitRevision([r(job({ 'gitseal.dev/hook': 'PreSync', 'gitseal.dev/sync-wave': 'x' }))]),
      invalid('hooks.yaml#0: Job shop/migrate: sync-wave must be an integer, e.g. "-1" or "5"'),
    );
  });
});

describe('hooksOf', () => {
  it('orders one phase by wave, kind, name, then position', () => {
    const hooks = splitRevision([
      r(job({ 'gitseal.dev/hook': 'PreSync', 'gitseal.dev/sync-wave': '1' }, { name: 'a' })),
      r(job({ 'gitseal.dev/hook': 'PreSync' }, { name: 'z' })),
      r({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'y', namespace: 'shop', annotations: { 'gitseal.dev/hook': 'PreSync' } },
      }),
      r(job({ 'gitseal.dev/hook': 'PreSync' }, { generateName: 'b-' })),
      r(job({ 'gitseal.dev/hook': 'PostSync' }, { name: 'post' })),
    ]).hooks;
    const names = (list: ReturnType<typeof hooksOf>) =>
      list.map((h) => h.object.metadata?.name ?? h.object.metadata?.generateName);
    assert.deepEqual(names(hooksOf(hooks, 'PreSync')), ['y', 'b-', 'z', 'a']);
    assert.deepEqual(names(hooksOf(hooks, 'PostSync')), ['post']);
    assert.deepEqual(hooksOf(hooks, 'SyncFail'), []);
  });
});

describe('hookKey and isHookObject', () => {
  it('gives a stable label value per kind, namespace and name or generateName', () => {
    const a = hookKey(job({}, { generateName: 'migrate-' }));
    assert.match(a, /^[0-9a-f]{16}$/);
    assert.equal(hookKey(job({ x: 'y' }, { generateName: 'migrate-' })), a);
    assert.notEqual(hookKey(job({}, { name: 'migrate-' })), a);
    assert.notEqual(hookKey(job({}, { generateName: 'other-' })), a);
  });

  it('counts only annotations naming a phase', () => {
    assert.equal(isHookObject(job({ 'argocd.argoproj.io/hook': 'PreSync' })), true);
    assert.equal(isHookObject(job({ 'gitseal.dev/hook': 'Skip' })), false);
    assert.equal(isHookObject(job()), false);
  });
});

describe('objectsToCheck', () => {
  it('names a generateName hook <generateName>* for preflight and tenancy messages', () => {
    const generated = r(job({ 'gitseal.dev/hook': 'PreSync' }, { generateName: 'migrate-' }));
    const named = r(job({ 'gitseal.dev/hook': 'PreSync' }));
    const [a, b] = objectsToCheck([generated, named]);
    assert.equal(a?.object.metadata?.name, 'migrate-*');
    assert.equal(b, named);
  });
});

describe('Helm hooks', () => {
  const helm = (name: string, annotations: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, annotations },
  });

  it('install/upgrade events map onto PreSync and PostSync, weights order them, policies map, delete/rollback are skipped', () => {
    const split = splitRevision([
      r(helm('pre', { 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '-5' }), 0),
      r(
        helm('post', {
          'helm.sh/hook': 'post-install',
          'helm.sh/hook-delete-policy': 'hook-succeeded,before-hook-creation',
        }),
        1,
      ),
      r(helm('gone', { 'helm.sh/hook': 'pre-delete,post-rollback' }), 2),
      r(helm('plain', {}), 3),
    ]);
    assert.deepEqual(
      split.hooks.map((h) => [h.object.metadata?.name, h.phases, h.policies, h.wave]),
      [
        ['pre', ['PreSync'], ['BeforeHookCreation'], -5],
        ['post', ['PostSync'], ['HookSucceeded', 'BeforeHookCreation'], 0],
      ],
    );
    assert.deepEqual(
      split.skipped.map((s) => s.object.metadata?.name),
      ['gone'],
    );
    assert.deepEqual(
      split.main.map((s) => s.object.metadata?.name),
      ['plain'],
    );
    assert.equal(isHookObject(helm('x', { 'helm.sh/hook': 'post-upgrade' })), true);
    assert.equal(isHookObject(helm('x', { 'helm.sh/hook': 'post-delete' })), false);
  });

  it('gitseal’s or Argo CD’s hook annotation wins over Helm’s; unknown Helm events and policies are named', () => {
    const both = splitRevision([
      r(helm('x', { 'helm.sh/hook': 'pre-install', 'argocd.argoproj.io/hook': 'PostSync' })),
    ]);
    assert.deepEqual(both.hooks[0]?.phases, ['PostSync']);
    assert.throws(
      () => splitRevision([r(helm('x', { 'helm.sh/hook': 'pre-instal' }))]),
      invalid('hooks.yaml#0: ConfigMap x: unknown helm.sh/hook "pre-instal"'),
    );
    assert.throws(
      () => splitRevision([r(helm('x', { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-delete-policy': 'never' }))]),
      invalid('hooks.yaml#0: ConfigMap x: unknown helm.sh/hook-delete-policy "never"'),
    );
  });
});
