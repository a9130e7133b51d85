// Placeholder until the demo issue lands: says what `npm run demo` will do, and exits non-zero so nobody
// mistakes it for a passing demo.
const steps = [
  'start a local control plane (kube-apiserver + etcd from test/cluster)',
  'start gitseal-controller against it',
  'create a local Git repository with a Deployment, a ConfigMap and a SealedSecret sealed by `gitseal seal`',
  'create a GitSync for it and wait until it is Ready',
  'print `gitseal sync status` and the unsealed Secret’s keys (never values)',
  'commit a changed secret and show it re-synced; delete the Deployment and show it restored',
  'stop everything cleanly',
];
console.log('gitseal demo: not available yet. When the controller and sync engine land, it will:');
steps.forEach((s, i) => console.log(`  ${i + 1}. ${s}`));
console.log('Meanwhile: `npm test` runs everything against a real local control plane.');
process.exitCode = 1;
