// `npm run demo` on the real node, against the tier's running cluster (--node-cluster): the app's HTTP answers
// change and come back as the demo says, no plaintext is printed, and the cluster is left as the demo found it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NODE_DEMO_PASSWORDS } from '../demo/node-demo.js';
import { kubectlOk, NODE_CLUSTER_ENV, nodeCluster, parseRendered } from '../support/index.js';

const DEMO = join(fileURLToPath(new URL('..', import.meta.url)), 'demo', 'demo.js');

/** What the demo could leave behind: the kinds it creates, cluster-scoped and in any namespace. */
const KINDS = [
  'namespaces',
  'customresourcedefinitions',
  'clusterroles',
  'clusterrolebindings',
  'deployments',
  'services',
  'secrets',
  'serviceaccounts',
  'rolebindings',
  'configmaps',
];
const GITSEAL_KINDS = ['sealedsecrets.gitseal.dev', 'gitsyncs.gitseal.dev'];

/**
 * What the cluster's own controllers make and change on their own, also while the demo runs (a young cluster fills
 * kube-system in its first minute): left out of the comparison.
 */
function madeByTheCluster(o: { kind: string; metadata: { name: string; namespace?: string } }): boolean {
  const ns = o.metadata.namespace ?? '';
  return (
    ['kube-system', 'kube-public', 'kube-node-lease'].includes(ns) ||
    (o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') ||
    (o.kind === 'ServiceAccount' && o.metadata.name === 'default')
  );
}

async function snapshot(kubeconfig: string): Promise<string[]> {
  const get = async (kinds: string[]) => {
    const text = await kubectlOk([
      '--kubeconfig',
      kubeconfig,
      'get',
      kinds.join(','),
      '--all-namespaces',
      '-o',
      'yaml',
    ]);
    const list = parseRendered(text)[0] as unknown as {
      items: { kind: string; metadata: { name: string; namespace?: string } }[];
    };
    return list.items
      .filter((o) => !madeByTheCluster(o))
      .map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  };
  const objects = await get(KINDS);
  // The gitseal kinds only exist while gitseal's CRDs do (the demo may install and uninstall them).
  const crds = GITSEAL_KINDS.filter((kind) => objects.includes(`CustomResourceDefinition /${kind}`));
  return [...objects, ...(crds.length > 0 ? await get(crds) : [])].sort();
}

function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DEMO, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), 20 * 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The `before:`/`after:` answers of one flow, in order. */
function answers(stdout: string, flow: number): { label: string; version: string; hash: string }[] {
  const start = stdout.indexOf(`flow ${flow}/4:`);
  assert.ok(start >= 0, `flow ${flow} printed`);
  const end = stdout.indexOf(`flow ${flow + 1}/4:`);
  const part = stdout.slice(start, end < 0 ? undefined : end);
  return [
    ...part.matchAll(/ (before|after): Service demo\/web answers version=(\S+) secret-sha256=([0-9a-f]{8})…/g),
  ].map((m) => ({ label: m[1] ?? '', version: m[2] ?? '', hash: m[3] ?? '' }));
}

test('npm run demo on the node: the app answers before and after each flow as claimed, and nothing is left behind', async (t) => {
  const node = nodeCluster(t);
  if (!node) return;
  const before = await snapshot(node.kubeconfigPath);
  const run = await runDemo(['--node-cluster', process.env[NODE_CLUSTER_ENV] ?? '']);
  const output = `${run.stdout}\n${run.stderr}`;
  assert.equal(run.code, 0, output);
  assert.match(run.stdout.split('\n')[0] ?? '', /^gitseal demo: on the running node cluster .* \(--node-cluster\)$/);
  assert.match(run.stdout, /GitSync demo\/web is Ready at [0-9a-f]{7}/);
  assert.match(run.stdout, /Ready:\s+True/);
  assert.match(run.stdout, /Secret demo\/db unsealed in the cluster with keys: password, username \(values never/);

  const [b1, a1] = answers(run.stdout, 1);
  assert.deepEqual([b1?.label, a1?.label], ['before', 'after']);
  assert.equal(b1?.version, 'v1');
  assert.deepEqual(a1, { ...b1, label: 'after' }, 'the restored Deployment serves the same answer');
  assert.match(run.stdout, /gitseal re-created Deployment demo\/web from Git after/);

  const [b2, a2] = answers(run.stdout, 2);
  assert.deepEqual(a2, { ...b2, label: 'after' });
  assert.match(run.stdout, /gitseal set spec\.replicas back to 1 \(Git's value\)/);

  const [b3, a3] = answers(run.stdout, 3);
  assert.equal(b3?.version, 'v1');
  assert.equal(a3?.version, 'v2', 'the value changed in Git reaches the app');
  assert.equal(a3?.hash, b3?.hash, 'the same secret');

  const [b4, a4] = answers(run.stdout, 4);
  assert.equal(a4?.version, 'v2');
  assert.notEqual(a4?.hash, b4?.hash, 'the sealed value changed in Git reaches the app');
  assert.match(run.stdout, /demo finished/);

  for (const secret of NODE_DEMO_PASSWORDS) {
    assert.ok(!output.includes(secret), `plaintext ${secret} printed`);
    assert.ok(!output.includes(Buffer.from(secret).toString('base64')), `base64 of ${secret} printed`);
  }
  const after = await snapshot(node.kubeconfigPath);
  assert.deepEqual(
    after.filter((id) => !before.includes(id)),
    [],
    'objects the demo left behind',
  );
  assert.deepEqual(
    before.filter((id) => !after.includes(id)),
    [],
    'objects that were there before the demo and are gone',
  );
  assert.ok(before.length > 0 && after.includes('Namespace /default'), 'the snapshot lists objects');
});
