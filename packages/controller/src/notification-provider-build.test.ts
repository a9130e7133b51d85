import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NotificationProvider, NotificationProviderSpec } from '@gitseal/manifests';
import { buildProvider, providerKey } from './notification-provider-build.js';

const resource = (spec: NotificationProviderSpec): NotificationProvider => ({
  apiVersion: 'gitseal.dev/v1alpha1',
  kind: 'NotificationProvider',
  metadata: { name: 'chat', namespace: 'team-a' },
  spec,
});

test('each type builds its provider, named namespace/name; the address may come from the Secret', () => {
  for (const type of ['webhook', 'slack', 'teams', 'alertmanager'] as const) {
    const built = buildProvider(resource({ type, address: 'https://hooks.example/x' }), {}, { allowHttp: false });
    assert.ok('provider' in built, type);
    assert.equal(built.provider.name, 'team-a/chat');
    assert.equal(built.provider.type, type);
  }
  const fromSecret = buildProvider(
    resource({ type: 'slack', secretRef: { name: 's' } }),
    { address: 'https://hooks.slack.example/T000/B000/XXXX' },
    { allowHttp: false },
  );
  assert.ok('provider' in fromSecret);
  assert.equal(providerKey(resource({ type: 'slack' })), 'team-a/chat');
});

test('problems are one line without the address: none, not a URL, plain http, other schemes, commit statuses', () => {
  const problem = (spec: NotificationProviderSpec, allowHttp = false, credentials = {}) => {
    const built = buildProvider(resource(spec), credentials, { allowHttp });
    return 'problem' in built ? built.problem : 'built';
  };
  assert.equal(problem({ type: 'webhook' }), 'no address: set spec.address or the Secret’s address key');
  assert.equal(
    problem({ type: 'webhook', secretRef: { name: 's' } }, false, { address: 'not a url' }),
    'the address is not a URL',
  );
  assert.equal(problem({ type: 'webhook', address: 'http://10.0.0.1/x' }), 'plain http is not allowed (use https)');
  assert.equal(problem({ type: 'webhook', address: 'http://10.0.0.1/x' }, true), 'built');
  assert.equal(problem({ type: 'webhook', address: 'file:///etc/passwd' }, true), 'file: addresses are not supported');
  assert.equal(
    problem({ type: 'github', address: 'https://github.com', repository: 'o/r' }),
    'commit statuses need a token: set the token key of spec.secretRef',
  );
  const withToken = { token: 'ghp_PLAINTEXT-MARKER' };
  assert.equal(
    problem({ type: 'github', address: 'https://github.com', repository: 'o/r' }, false, withToken),
    'built',
  );
  const refused = problem({ type: 'gitea', address: 'https://git.example', repository: 'o/../r' }, false, withToken);
  assert.match(refused, /^repository: /);
  assert.ok(!refused.includes('PLAINTEXT-MARKER'));
});
