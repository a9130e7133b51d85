import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cniConfList,
  containerdConfig,
  corefile,
  kubeletConfig,
  kubeProxyConfig,
  NodeNetwork,
  nodePaths,
} from './node-config.js';

const paths = nodePaths('/tmp/gs/node');

test('containerd: runc with cgroupfs, oom_score_adj restricted (no CAP_SYS_RESOURCE), the local pause image', () => {
  const toml = containerdConfig(paths, {
    sandboxImage: 'localhost/p:1',
    runc: '/usr/sbin/runc',
    cniBinDir: '/usr/lib/cni',
  });
  assert.match(toml, /^version = 3$/m);
  assert.match(toml, /restrict_oom_score_adj = true/);
  assert.match(toml, /SystemdCgroup = false/);
  assert.match(toml, /sandbox = "localhost\/p:1"/);
  assert.match(toml, /address = "\/tmp\/gs\/node\/containerd\/containerd.sock"/);
});

test('CNI: a bridge with no default route, only the service range', () => {
  const conf = JSON.parse(cniConfList(paths)) as {
    plugins: { ipam?: { routes: { dst: string }[] }; ipMasq?: boolean }[];
  };
  const bridge = conf.plugins[0];
  assert.deepEqual(bridge?.ipam?.routes, [{ dst: NodeNetwork.serviceCidr }]);
  assert.equal(bridge?.ipMasq, false);
});

test('kubelet: webhook authn/authz, cgroup v1 allowed, DNS on the gateway', () => {
  const config = JSON.parse(
    kubeletConfig({ paths, caCertPath: 'ca', servingCertPath: 'c', servingKeyPath: 'k', healthzPort: 1, port: 10250 }),
  ) as Record<string, unknown>;
  assert.equal(config['failCgroupV1'], false);
  assert.equal(config['cgroupDriver'], 'cgroupfs');
  assert.deepEqual(config['authorization'], { mode: 'Webhook' });
  assert.deepEqual(config['clusterDNS'], [NodeNetwork.gateway]);
  assert.equal((config['authentication'] as { anonymous: { enabled: boolean } }).anonymous.enabled, false);
});

test('kube-proxy: iptables, oomScoreAdj 0; CoreDNS forwards nothing', () => {
  const proxy = JSON.parse(kubeProxyConfig({ kubeconfigPath: 'k', healthzPort: 1, metricsPort: 2 })) as Record<
    string,
    unknown
  >;
  assert.equal(proxy['mode'], 'iptables');
  assert.equal(proxy['oomScoreAdj'], 0);
  const dns = corefile({ kubeconfigPath: 'k' });
  assert.doesNotMatch(dns, /forward/);
  assert.match(dns, new RegExp(`bind ${NodeNetwork.gateway.replace(/\./g, '\\.')}`));
});
