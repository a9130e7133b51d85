import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_KUSTOMIZE_COMMANDS, kustomizeArgs, kustomizeEnv, runKustomize } from './kustomize.js';
import { SyncError } from './sync-error.js';

describe('kustomizeArgs', () => {
  it('passes the root-only load restrictor and nothing else, the directory last and absolute', () => {
    assert.deepEqual(
      DEFAULT_KUSTOMIZE_COMMANDS.map((c) => kustomizeArgs(c, '/checkout/apps')),
      [
        { file: 'kubectl', args: ['kustomize', '--load-restrictor', 'LoadRestrictionsRootOnly', '/checkout/apps'] },
        { file: 'kustomize', args: ['build', '--load-restrictor', 'LoadRestrictionsRootOnly', '/checkout/apps'] },
      ],
    );
    const relative = kustomizeArgs(['kubectl', 'kustomize'], '-apps').args.at(-1) ?? '';
    assert.ok(relative.startsWith('/'), relative);
  });

  it('refuses a configured command that carries flags of its own', () => {
    for (const flag of [
      '--enable-alpha-plugins',
      '--enable-exec',
      '--enable-helm',
      '--load-restrictor=LoadRestrictionsNone',
      '--load-restrictor',
      '--mount',
      '-o',
    ]) {
      assert.throws(
        () => kustomizeArgs(['kubectl', 'kustomize', flag], '/d'),
        (e: unknown) => e instanceof SyncError && e.code === 'RENDER_FAILED' && !e.message.includes(flag),
        flag,
      );
    }
    assert.throws(() => kustomizeArgs([], '/d'), SyncError);
  });

  it('is applied before anything runs', async () => {
    await assert.rejects(
      runKustomize('/nonexistent', 'k/kustomization.yaml', { commands: [['kubectl', 'kustomize', '--enable-helm']] }),
      (e: unknown) => e instanceof SyncError && e.code === 'RENDER_FAILED',
    );
  });
});

describe('kustomizeEnv', () => {
  it('is a clean environment: dead proxies, no proxy exemptions, no git transports, no kubeconfig', () => {
    const env = kustomizeEnv('/tmp/home');
    assert.deepEqual(Object.keys(env).sort(), [
      'GIT_ALLOW_PROTOCOL',
      'GIT_CONFIG_GLOBAL',
      'GIT_CONFIG_NOSYSTEM',
      'GIT_TERMINAL_PROMPT',
      'HOME',
      'HTTPS_PROXY',
      'HTTP_PROXY',
      'KUBECONFIG',
      'NO_PROXY',
      'PATH',
      'http_proxy',
      'https_proxy',
      'no_proxy',
    ]);
    assert.equal(env['NO_PROXY'], '');
    assert.equal(env['no_proxy'], '');
    assert.equal(env['GIT_ALLOW_PROTOCOL'], '');
    assert.equal(env['KUBECONFIG'], '/dev/null');
    for (const key of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy'])
      assert.equal(env[key], 'http://127.0.0.1:9');
  });
});
