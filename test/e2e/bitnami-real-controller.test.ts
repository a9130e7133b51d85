// Bitnami's own controller (v0.40.0, built from the Go module proxy) against the real kube-apiserver + etcd, as
// the oracle for what gitseal must match: `gitseal validate` reads its bare 200/409 answers, and gitseal's Sprig
// templates render byte for byte what Bitnami's Go templates render.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { Envelope, Scope } from '@gitseal/crypto';
import { renderTemplateData } from '@gitseal/controller';
import { createTestNamespace, crdPath, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import { startBitnamiController, type BitnamiController } from '../support/bitnami-controller.js';
import { findFreePort } from '../cluster/free-port.js';
import { assertNoMarkers, makeTempDir, loadVectorKeys, runCli, type VectorKey } from './cli-harness.js';
import { b64, Cluster, sealItems, waitFor, type SealedSecretObject } from './controller-harness.js';

const BITNAMI = 'bitnami.com/v1alpha1';
const plane = sharedControlPlane();
const SECRET = 'real-bitnami-S3cret!';

let cluster: Cluster;
let bitnami: BitnamiController;
let ns: string;
let key1: VectorKey;
let setup: Promise<void> | undefined;

async function ready(t: TestContext): Promise<boolean> {
  const cp = plane.use(t);
  if (!cp) return false;
  setup ??= (async () => {
    const kc = kubeConfigFor(cp.kubeconfigPath);
    cluster = new Cluster(kc);
    await installCrd(kc, crdPath('compat/sealedsecrets.bitnami.com.yaml'));
    const controllerNs = await createTestNamespace(kc, 'bitnami-system');
    ns = await createTestNamespace(kc, 'bitnami-apps');
    const found = (await loadVectorKeys()).find((k) => k.name === 'key1');
    assert.ok(found);
    key1 = found;
    await cluster.core.createNamespacedSecret({
      namespace: controllerNs,
      body: {
        metadata: { name: 'sealed-secrets-key1', labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' } },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64(key1.certPem), 'tls.key': b64(key1.keyPem) },
      },
    });
    bitnami = await startBitnamiController({
      server: cp.server,
      caPem: cp.caPem,
      token: cp.adminToken,
      namespace: controllerNs,
      apiPort: await findFreePort(),
      metricsPort: await findFreePort(),
    });
    await waitFor(
      "Bitnami's controller serving key1",
      async () => (await (await fetch(`${bitnami.api}/v1/cert.pem`)).text()).trim() === key1.certPem.trim(),
      120_000,
      500,
    );
  })();
  await setup;
  return true;
}

after(async () => {
  await bitnami?.stop();
  assertNoMarkers(bitnami?.output() ?? '', [SECRET], "Bitnami's controller output");
});

test("`gitseal validate` against Bitnami's controller: ok for an object that opens, a refusal for a moved one", async (t) => {
  if (!(await ready(t))) return;
  const { dir, cleanup } = await makeTempDir();
  try {
    const certPath = join(dir, 'key1.crt');
    await writeFile(certPath, key1.certPem);
    const secretPath = join(dir, 'secret.yaml');
    await writeFile(
      secretPath,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: ${ns}}\nstringData: {password: "${SECRET}"}\n`,
    );
    const sealed = await runCli(['seal', '--api-version', BITNAMI, '--cert', certPath, '-f', secretPath]);
    assert.equal(sealed.code, 0, sealed.stderr);
    const sealedPath = join(dir, 'db.yaml');
    await writeFile(sealedPath, sealed.stdout);
    const movedPath = join(dir, 'moved.yaml');
    await writeFile(movedPath, sealed.stdout.replace(/name: db$/gm, 'name: moved'));

    const ok = await runCli(['validate', '--controller-url', bitnami.api, '-f', sealedPath]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /: ok$/m);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // Bitnami's verify allows 2 requests a second
    const refused = await runCli(['--validate', '--controller-url', bitnami.api, '--secret-file', movedPath]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(
      refused.stdout + refused.stderr,
      /cannot be decrypted by the controller: the controller cannot decrypt it/,
    );
    assertNoMarkers(ok.stdout + ok.stderr + refused.stdout + refused.stderr, [SECRET], 'CLI output');
  } finally {
    await cleanup();
  }
});

test("templates: gitseal renders byte for byte what Bitnami's controller writes", async (t) => {
  if (!(await ready(t))) return;
  const items = { user: 'admin', password: SECRET, host: 'db.internal', port: '5432', list: 'a,b,c', blank: '' };
  const templates: Record<string, string> = {
    printf: '{{ printf "%s:%s@%s:%s" .user .password .host .port }}',
    b64: '{{ .password | b64enc }}|{{ .password | b64enc | b64dec }}|{{ b64dec "!!" }}',
    b32: '{{ .user | b32enc }}|{{ b32dec "MFSG22LO" }}',
    case: '{{ .user | upper }}|{{ "HeLLo" | lower }}|{{ title "hello wide-world o\'neil" }}',
    trim: '[{{ trim "  x  " }}][{{ trimAll "$" "$$5$" }}][{{ trimPrefix "db." .host }}][{{ trimSuffix ".internal" .host }}]',
    slice:
      '{{ substr 0 3 .password }}|{{ trunc 4 .host }}|{{ trunc -4 .host }}|{{ repeat 3 "ab" }}|{{ nospace "a b\tc" }}',
    tests: '{{ contains "internal" .host }} {{ hasPrefix "db" .host }} {{ hasSuffix "x" .host }}',
    quote: '{{ quote .password "tab\there" 7 }} {{ squote .user }} {{ cat .user .port nil "z" }}',
    indent: 'key:{{ .host | nindent 2 }}\n{{ indent 4 "a\\nb" }}',
    replace: '{{ replace "," ";" .list }}|{{ replace "" "-" "ab" }}|{{ plural "one" "many" 2 }}',
    sums: '{{ sha256sum .password }} {{ sha1sum .user }} {{ adler32sum .host }}',
    json: '{{ toJson (list .user 1 true nil "<&>") }}',
    defaults:
      '{{ .missing | default "dflt" }} {{ .blank | default "empty" }} {{ default "d" .user }} {{ empty .blank }}',
    coalesce: '{{ coalesce .blank .missing .user }} {{ ternary "yes" "no" (eq .port "5432") }}',
    lists:
      '{{ splitList "," .list | join "+" }} {{ splitList "," .list | first }} {{ splitList "," .list | last }} {{ list 1 "x" }}',
    math: '{{ add 1 2 .port }} {{ sub 10 .port }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 3 }} {{ add1 .port }} {{ atoi .port }}',
    builtins: '{{ len .password }} {{ index . "host" }}[{{ index . "missing" }}] {{ .missing }} {{ print 1 2 "x" 3 }}',
    logic:
      '{{ if and .user (not .blank) }}A{{ else }}B{{ end }}{{ if or .blank .missing }}C{{ else if .port }}D{{ end }}',
    compare: '{{ lt 1 2 }} {{ ge "b" "a" }} {{ ne .user "root" }} {{ eq .port "1" "5432" }}',
    trimmed: 'x  {{- .user -}}  y {{/* comment */}}z',
    escapes:
      '{{ html "<a href=\'x\'>&</a>" }} {{ urlquery "a b&c/d" }} {{ printf "%q %v %d %t %x" "q\\"" 1 2 true "hi" }}',
    printfOdd: '{{ printf "%s %s" "one" }} {{ printf "%d" "str" }} {{ printf "%s" "a" 3 }}',
  };
  const object: SealedSecretObject = {
    apiVersion: BITNAMI,
    kind: 'SealedSecret',
    metadata: { name: 'templated', namespace: ns },
    spec: {
      encryptedData: sealItems(key1.certPem, Scope.Strict, ns, 'templated', items, Envelope.V1),
      template: { data: templates },
    },
  };
  await cluster.createSealed(object);
  const secret = await waitFor(
    "Bitnami's Secret",
    async () => {
      const status = (await cluster.getSealed(ns, 'templated', BITNAMI)).status;
      const failed = status?.conditions?.find((c) => c.type === 'Synced' && c.status === 'False');
      if (failed) throw new Error(`controller exited early: Bitnami refused the templates: ${failed.message ?? ''}`);
      const s = await cluster.readSecret(ns, 'templated');
      return s?.data && Object.keys(s.data).length >= Object.keys(templates).length ? s : undefined;
    },
    60_000,
    250,
  );
  const decrypted = Object.fromEntries(Object.entries(items).map(([k, v]) => [k, b64(v)]));
  const ours = renderTemplateData(`${ns}/templated`, templates, decrypted);
  for (const key of Object.keys(templates)) {
    const theirs = Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');
    const mine = Buffer.from(ours[key] ?? '', 'base64').toString('utf8');
    assert.equal(mine, theirs, `template ${key}`);
  }
});
