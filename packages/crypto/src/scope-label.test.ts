import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CryptoError } from './errors.js';
import { describeScopeLabel, isScope, Scope, scopeLabel } from './scope-label.js';

describe('scopeLabel', () => {
  it('is namespace/name for strict', () => {
    assert.equal(scopeLabel(Scope.Strict, 'prod', 'db-creds'), 'prod/db-creds');
  });
  it('is the namespace for namespace-wide, whatever the name', () => {
    assert.equal(scopeLabel(Scope.NamespaceWide, 'team-a', 'x'), 'team-a');
    assert.equal(scopeLabel(Scope.NamespaceWide, 'team-a', undefined), 'team-a');
  });
  it('is empty for cluster-wide', () => {
    assert.equal(scopeLabel(Scope.ClusterWide, 'anywhere', 'shared'), '');
    assert.equal(scopeLabel(Scope.ClusterWide, undefined, undefined), '');
  });
  it('refuses strict without a namespace or a name', () => {
    assert.throws(
      () => scopeLabel(Scope.Strict, '', 'db'),
      (e) => e instanceof CryptoError && e.code === 'INVALID_SCOPE',
    );
    assert.throws(() => scopeLabel(Scope.Strict, 'prod', undefined), CryptoError);
  });
  it('refuses namespace-wide without a namespace', () => {
    assert.throws(() => scopeLabel(Scope.NamespaceWide, undefined, 'x'), CryptoError);
  });
  it('refuses an unknown scope', () => {
    assert.throws(() => scopeLabel('global' as Scope, 'a', 'b'), /unknown scope "global"/);
  });
  it('recognises the three scopes only', () => {
    assert.equal(isScope('strict'), true);
    assert.equal(isScope('namespace-wide'), true);
    assert.equal(isScope('cluster-wide'), true);
    assert.equal(isScope('Strict'), false);
  });
});

describe('describeScopeLabel', () => {
  it('quotes a label, and names the empty one', () => {
    assert.equal(describeScopeLabel('prod/db'), '"prod/db"');
    assert.equal(describeScopeLabel(''), 'cluster-wide (empty label)');
  });
  it('escapes quotes, control and format characters, and shortens long labels', () => {
    assert.equal(describeScopeLabel('a"b\nc\u001b'), '"a\\"b\\nc\\u001b"');
    assert.equal(describeScopeLabel('a\u202eb\u0085'), '"a\\u202eb\\u0085"');
    const long = describeScopeLabel('x'.repeat(1000));
    assert.equal(long, `"${'x'.repeat(80)}…"`);
  });
});
