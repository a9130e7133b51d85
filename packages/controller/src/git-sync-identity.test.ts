import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GitSync } from '@gitseal/manifests';
import { decideIdentity } from './git-sync-identity.js';

const policy = { defaultServiceAccount: undefined, allowedServiceAccounts: [], crossNamespaceRefs: false };
const gitSync = (namespace: string, spec: Partial<GitSync['spec']> = {}): GitSync => ({
  apiVersion: 'gitseal.dev/v1alpha1',
  kind: 'GitSync',
  metadata: { name: 'app', namespace },
  spec: { source: { url: 'https://git.example/r.git' }, ...spec },
});

describe('decideIdentity', () => {
  it("uses the controller's identity only for GitSyncs in the controller's namespace", () => {
    assert.deepEqual(decideIdentity(gitSync('gitseal-system'), 'gitseal-system', policy), {
      ok: true,
      identity: { kind: 'controller' },
      tenant: false,
    });
    const platformSa = decideIdentity(
      gitSync('gitseal-system', { serviceAccountName: 'ops' }),
      'gitseal-system',
      policy,
    );
    assert.deepEqual(platformSa, {
      ok: true,
      identity: { kind: 'serviceAccount', namespace: 'gitseal-system', name: 'ops' },
      tenant: false,
    });
  });

  it('refuses a tenant GitSync without a ServiceAccount, saying how to fix it', () => {
    const d = decideIdentity(gitSync('team-a'), 'gitseal-system', policy);
    assert.equal(d.ok, false);
    if (d.ok) return;
    assert.equal(d.reason, 'ServiceAccountRequired');
    assert.match(d.message, /set spec\.serviceAccountName to a ServiceAccount of namespace team-a/);
  });

  it("impersonates --default-service-account of the GitSync's own namespace", () => {
    const d = decideIdentity(gitSync('team-a'), 'gitseal-system', { ...policy, defaultServiceAccount: 'gitsync' });
    assert.deepEqual(d, {
      ok: true,
      identity: { kind: 'serviceAccount', namespace: 'team-a', name: 'gitsync' },
      tenant: true,
    });
  });

  it('holds tenants to --allowed-service-accounts', () => {
    const allow = { ...policy, allowedServiceAccounts: ['gitsync'] };
    const d = decideIdentity(gitSync('team-a', { serviceAccountName: 'powerful' }), 'gitseal-system', allow);
    assert.equal(d.ok === false && d.reason, 'ServiceAccountNotAllowed');
    assert.equal(
      decideIdentity(gitSync('team-a', { serviceAccountName: 'gitsync' }), 'gitseal-system', allow).ok,
      true,
    );
  });

  it('refuses cross-namespace targetNamespace and dependsOn unless allowed, revealing nothing of the other namespace', () => {
    for (const spec of [
      { targetNamespace: 'team-b' },
      { dependsOn: [{ name: 'a' }, { name: 'db', namespace: 'team-b' }] },
    ]) {
      const d = decideIdentity(gitSync('team-a', { ...spec, serviceAccountName: 'gitsync' }), 'gitseal-system', policy);
      assert.equal(d.ok === false && d.reason, 'CrossNamespaceReference', JSON.stringify(spec));
      const open = decideIdentity(gitSync('team-a', { ...spec, serviceAccountName: 'gitsync' }), 'gitseal-system', {
        ...policy,
        crossNamespaceRefs: true,
      });
      assert.equal(open.ok, true);
    }
    const own = decideIdentity(
      gitSync('team-a', {
        targetNamespace: 'team-a',
        dependsOn: [{ name: 'x', namespace: 'team-a' }],
        serviceAccountName: 's',
      }),
      'gitseal-system',
      policy,
    );
    assert.equal(own.ok, true);
  });
});
