import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createHeldKey,
  createKeyRing,
  Envelope,
  exportPrivateKeyPem,
  generateKeyPairSync,
  Scope,
  scopeLabel,
  sealValue,
  type HeldKey,
  type KeyPair,
} from '@gitseal/crypto';
import type { KubeObject } from '@gitseal/manifests';
import { preflight, type SealedSecretToVerify } from './preflight.js';
import type { RenderedObject } from './render.js';

const held = generateKeyPairSync(2048);
const stranger = generateKeyPairSync(2048);
const ring = createKeyRing([createHeldKey({ keyPem: exportPrivateKeyPem(held.privateKey) })]);
const PLAINTEXT = 'pl41ntext-must-not-leak';

interface SealOptions {
  apiVersion?: string;
  namespace?: string;
  scope?: Scope;
  pair?: KeyPair;
  envelope?: Envelope;
  sealedFor?: { namespace: string; name: string };
  items?: string[];
}

function sealed(name: string, opts: SealOptions = {}): KubeObject {
  const namespace = opts.namespace ?? 'prod';
  const scope = opts.scope ?? Scope.Strict;
  const forNs = opts.sealedFor?.namespace ?? namespace;
  const forName = opts.sealedFor?.name ?? name;
  const label = scopeLabel(scope, forNs, forName);
  const encryptedData = Object.fromEntries(
    (opts.items ?? ['password']).map((itemKey) => [
      itemKey,
      sealValue({
        publicKey: (opts.pair ?? held).publicKey,
        scopeLabel: label,
        itemKey,
        plaintext: Buffer.from(PLAINTEXT),
        envelope: opts.envelope ?? Envelope.V1,
      }),
    ]),
  );
  const annotations: Record<string, string> | undefined =
    scope === Scope.NamespaceWide
      ? { 'gitseal.dev/namespace-wide': 'true' }
      : scope === Scope.ClusterWide
        ? { 'gitseal.dev/cluster-wide': 'true' }
        : undefined;
  return {
    apiVersion: opts.apiVersion ?? 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec: { encryptedData },
  };
}

const at = (object: KubeObject, source: string): RenderedObject => ({ object, source });
const secret = (name: string, extra: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'prod' },
  ...extra,
});

describe('preflight', () => {
  it('passes a revision whose SealedSecrets all open at their scope (v1, v2, every scope)', async () => {
    const result = await preflight(
      [
        at(sealed('db', { items: ['password', 'user'] }), 'apps/db.yaml#0'),
        at(sealed('api', { envelope: Envelope.V2 }), 'apps/api.yaml#0'),
        at(sealed('ns-wide', { scope: Scope.NamespaceWide, sealedFor: { namespace: 'prod', name: 'other' } }), 'a#0'),
        at(sealed('global', { scope: Scope.ClusterWide, sealedFor: { namespace: 'x', name: 'y' } }), 'b#0'),
        at({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'prod' } }, 'c#0'),
      ],
      { keys: ring },
    );
    assert.deepEqual(result, { ok: true, decrypted: 4, cached: 0 });
  });

  it('refuses the whole revision when one SealedSecret cannot be decrypted, naming file, object and item', async () => {
    const result = await preflight(
      [
        at(sealed('ok'), 'apps/ok.yaml#0'),
        at(sealed('db', { pair: stranger }), 'apps/db.yaml#0'),
        at(
          sealed('moved', { sealedFor: { namespace: 'staging', name: 'moved' }, envelope: Envelope.V2 }),
          'apps/m.yaml#1',
        ),
      ],
      { keys: ring },
    );
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.reason, 'SealedSecretUndecryptable');
    assert.match(result.message, /^apps\/db\.yaml#0: SealedSecret prod\/db: item "password": .+ \(and 1 more\)$/);
    assert.equal(result.failures.length, 2);
    assert.match(
      result.failures[1]?.message ?? '',
      /^apps\/m\.yaml#1: SealedSecret prod\/moved: item "password": sealed for scope "staging\/moved"/,
    );
    assert.ok(!JSON.stringify(result).includes(PLAINTEXT));
  });

  it('checks bitnami.com SealedSecrets only in compat mode', async () => {
    const foreign = [at(sealed('b', { apiVersion: 'bitnami.com/v1alpha1', pair: stranger }), 'b.yaml#0')];
    assert.deepEqual(await preflight(foreign, { keys: ring }), { ok: true, decrypted: 0, cached: 0 });
    const compat = await preflight(foreign, { keys: ring, bitnamiCompat: true });
    assert.equal(compat.ok, false);
    assert.equal(!compat.ok && compat.reason, 'SealedSecretUndecryptable');
    const mine = [at(sealed('b', { apiVersion: 'bitnami.com/v1alpha1' }), 'b.yaml#0')];
    assert.deepEqual(await preflight(mine, { keys: ring, bitnamiCompat: true }), { ok: true, decrypted: 1, cached: 0 });
  });

  it('refuses plain Secrets with data unless allowed', async () => {
    for (const extra of [{ data: { k: 'dmFsdWU=' } }, { stringData: { k: 'value' } }]) {
      const objects = [at(secret('plain', extra), 'apps/s.yaml#2')];
      const result = await preflight(objects, { keys: ring });
      assert.equal(result.ok, false);
      if (result.ok) continue;
      assert.equal(result.reason, 'PlaintextSecretInGit');
      assert.match(result.message, /^apps\/s\.yaml#2: Secret prod\/plain: plain Secret/);
      assert.ok(!result.message.includes('dmFsdWU=') && !result.message.includes('value'));
      assert.deepEqual(await preflight(objects, { keys: ring, allowPlainSecrets: true }), {
        ok: true,
        decrypted: 0,
        cached: 0,
      });
    }
    const empty = [at(secret('empty', { data: {} }), 'e#0'), at(secret('typed', { type: 'kubernetes.io/tls' }), 'f#0')];
    assert.equal((await preflight(empty, { keys: ring })).ok, true);
  });

  it('refuses literal spec.template.data values; references to sealed items pass', async () => {
    const withTemplate = (data: Record<string, string>): KubeObject => {
      const base = sealed('db', { items: ['password', 'user'] });
      return { ...base, spec: { ...(base['spec'] as object), template: { data } } };
    };
    const ok = await preflight(
      [at(withTemplate({ url: 'postgres://{{ .user }}:{{ index . "password" }}@db:5432/app' }), 'db.yaml#0')],
      { keys: ring },
    );
    assert.deepEqual(ok, { ok: true, decrypted: 1, cached: 0 });
    const literal = 'hunter2-literal-marker';
    const objects = [at(withTemplate({ url: '{{ .user }}', token: literal }), 'db.yaml#0')];
    const refused = await preflight(objects, { keys: ring });
    assert.equal(refused.ok, false);
    if (refused.ok) return;
    assert.equal(refused.reason, 'PlaintextSecretInGit');
    assert.match(refused.message, /^db\.yaml#0: SealedSecret prod\/db: spec\.template\.data\.token is literal text/);
    assert.ok(!JSON.stringify(refused).includes(literal));
    assert.equal((await preflight(objects, { keys: ring, allowPlainSecrets: true })).ok, true);
  });

  it('refuses duplicate objects, naming both places', async () => {
    const cm = (group: string) => ({
      apiVersion: group,
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'prod' },
    });
    const result = await preflight([at(cm('v1'), 'a.yaml#0'), at(cm('v1'), 'b.yaml#3')], { keys: ring });
    assert.equal(!result.ok && result.reason, 'DuplicateObject');
    assert.equal(!result.ok && result.message, 'b.yaml#3: ConfigMap prod/c: duplicate of a.yaml#0');
    const distinct = [
      at(cm('v1'), 'a#0'),
      at(cm('example.com/v1'), 'b#0'),
      at({ ...cm('v1'), metadata: { name: 'c', namespace: 'dev' } }, 'c#0'),
    ];
    assert.equal((await preflight(distinct, { keys: ring })).ok, true);
  });

  it('refuses malformed SealedSecrets and ones without a namespace as invalid manifests', async () => {
    const broken = sealed('x');
    (broken['spec'] as { encryptedData: Record<string, string> }).encryptedData['password'] = 'not base64!';
    const result = await preflight([at(broken, 'x.yaml#0')], { keys: ring });
    assert.equal(!result.ok && result.reason, 'InvalidManifest');
    assert.match(!result.ok ? result.message : '', /^x\.yaml#0: SealedSecret prod\/x: /);
    const noNs = sealed('y');
    delete noNs.metadata?.namespace;
    const missing = await preflight([at(noNs, 'y.yaml#0')], { keys: ring });
    assert.equal(!missing.ok && missing.reason, 'InvalidManifest');
  });

  it('costs no private-key operations for SealedSecrets already verified, and re-verifies on any change', async () => {
    let privateKeyUses = 0;
    const [key] = ring.keys as HeldKey[];
    const counted = new Proxy(key as HeldKey, {
      get(target, prop, receiver) {
        if (prop === 'privateKey') privateKeyUses++;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const countingRing = createKeyRing([counted]);
    const cache = new Set<string>();
    const objects = [at(sealed('db'), 'db#0'), at(sealed('api', { envelope: Envelope.V2 }), 'api#0')];
    assert.deepEqual(await preflight(objects, { keys: countingRing, cache }), { ok: true, decrypted: 2, cached: 0 });
    assert.ok(privateKeyUses > 0);
    privateKeyUses = 0;
    assert.deepEqual(await preflight(objects, { keys: countingRing, cache }), { ok: true, decrypted: 0, cached: 2 });
    assert.equal(privateKeyUses, 0);
    const changed = [objects[0] as RenderedObject, at(sealed('api', { envelope: Envelope.V2 }), 'api#0')];
    assert.deepEqual(await preflight(changed, { keys: countingRing, cache }), { ok: true, decrypted: 1, cached: 1 });
    const renamed = [at({ ...sealed('db'), metadata: { name: 'db2', namespace: 'prod' } }, 'db#0')];
    const result = await preflight(renamed, { keys: countingRing, cache });
    assert.equal(!result.ok && result.reason, 'SealedSecretUndecryptable');
  });

  it('hands every SealedSecret to the given verifier at once and prefixes its answer with file and object', async () => {
    const seen: SealedSecretToVerify[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const verify = async (sealedSecret: SealedSecretToVerify): Promise<string | undefined> => {
      seen.push(sealedSecret);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return sealedSecret.object === 'prod/bad' ? 'item "password": no held key opens it' : undefined;
    };
    const objects = [at(sealed('good'), 'g.yaml#0'), at(sealed('bad'), 'b.yaml#0'), at(sealed('ok'), 'o.yaml#0')];
    const result = await preflight(objects, { keys: ring, verify });
    assert.deepEqual(
      seen.map((s) => s.object),
      ['prod/good', 'prod/bad', 'prod/ok'],
    );
    assert.equal(maxInFlight, 3);
    assert.equal(seen[0]?.scopeLabel, scopeLabel(Scope.Strict, 'prod', 'good'));
    assert.equal(
      !result.ok && result.message,
      'b.yaml#0: SealedSecret prod/bad: item "password": no held key opens it',
    );
  });
});
