// The configuration files of the node's parts, as pure functions of where things live (unit-tested in
// node-config.test.ts). Facts of this machine kind they encode are in DESIGN.md §5a.
import { join } from 'node:path';

/** The node's network: a bridge for pods, the gateway the host answers on, the service range. */
export const NodeNetwork = {
  bridge: 'gitseal0',
  podCidr: '10.88.0.0/16',
  gateway: '10.88.0.1',
  serviceCidr: '10.96.0.0/16',
  /** The `kubernetes` Service's ClusterIP (the first of the range). */
  apiServiceIp: '10.96.0.1',
  clusterDomain: 'cluster.local',
} as const;

/** The node registers by this hostname; it resolves to 127.0.0.1 (kubelet refuses a loopback node IP). */
export const NODE_NAME = 'vm';

export interface NodePaths {
  readonly root: string;
  readonly containerdRoot: string;
  readonly containerdState: string;
  readonly containerdSocket: string;
  readonly cniConfDir: string;
  readonly cniDataDir: string;
  readonly kubeletRoot: string;
  readonly podLogsDir: string;
  readonly resolvConf: string;
}

export function nodePaths(root: string): NodePaths {
  return {
    root,
    containerdRoot: join(root, 'containerd', 'root'),
    containerdState: join(root, 'containerd', 'state'),
    containerdSocket: join(root, 'containerd', 'containerd.sock'),
    cniConfDir: join(root, 'cni', 'net.d'),
    cniDataDir: join(root, 'cni', 'ipam'),
    kubeletRoot: join(root, 'kubelet'),
    podLogsDir: join(root, 'pod-logs'),
    resolvConf: join(root, 'resolv.conf'),
  };
}

/** containerd 2.x (config version 3): CRI with runc from Debian, cgroupfs, the local pause image, our CNI. */
export function containerdConfig(
  paths: NodePaths,
  options: { sandboxImage: string; runc: string; cniBinDir: string },
): string {
  const cri = "plugins.'io.containerd.cri.v1.runtime'";
  return `version = 3
root = ${JSON.stringify(paths.containerdRoot)}
state = ${JSON.stringify(paths.containerdState)}

[grpc]
  address = ${JSON.stringify(paths.containerdSocket)}

[plugins.'io.containerd.cri.v1.images']
  snapshotter = 'overlayfs'
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = ${JSON.stringify(options.sandboxImage)}

[${cri}]
  # Root here lacks CAP_SYS_RESOURCE: without this every sandbox fails with "can't get final child's PID from pipe".
  restrict_oom_score_adj = true
  enable_cdi = false
  [${cri}.containerd]
    default_runtime_name = 'runc'
    [${cri}.containerd.runtimes.runc]
      runtime_type = 'io.containerd.runc.v2'
      [${cri}.containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = ${JSON.stringify(options.runc)}
  [${cri}.cni]
    bin_dirs = [${JSON.stringify(options.cniBinDir)}]
    conf_dir = ${JSON.stringify(paths.cniConfDir)}
`;
}

/**
 * The pod network: a bridge with host-local addresses and no default route (pods reach only each other, the host's
 * gateway address and the service range, which kube-proxy maps onto them).
 */
export function cniConfList(paths: NodePaths): string {
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'gitseal',
      plugins: [
        {
          type: 'bridge',
          bridge: NodeNetwork.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: paths.cniDataDir,
            ranges: [[{ subnet: NodeNetwork.podCidr, gateway: NodeNetwork.gateway }]],
            routes: [{ dst: NodeNetwork.serviceCidr }],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

export interface KubeletConfigInput {
  readonly paths: NodePaths;
  readonly caCertPath: string;
  readonly servingCertPath: string;
  readonly servingKeyPath: string;
  readonly healthzPort: number;
  readonly port: number;
}

/** KubeletConfiguration: webhook authn/authz, cgroupfs on cgroup v1, cluster DNS on the gateway, no swap check. */
export function kubeletConfig(input: KubeletConfigInput): string {
  const { paths } = input;
  return `${JSON.stringify(
    {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      address: '0.0.0.0',
      port: input.port,
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      healthzPort: input.healthzPort,
      authentication: {
        anonymous: { enabled: false },
        webhook: { enabled: true },
        x509: { clientCAFile: input.caCertPath },
      },
      authorization: { mode: 'Webhook' },
      tlsCertFile: input.servingCertPath,
      tlsPrivateKeyFile: input.servingKeyPath,
      cgroupDriver: 'cgroupfs',
      // Only cgroup v1 controllers exist on this machine kind.
      failCgroupV1: false,
      failSwapOn: false,
      containerRuntimeEndpoint: `unix://${paths.containerdSocket}`,
      clusterDNS: [NodeNetwork.gateway],
      clusterDomain: NodeNetwork.clusterDomain,
      resolvConf: paths.resolvConf,
      podLogsDir: paths.podLogsDir,
      registerNode: true,
      // Small disks and a busy machine: never evict the tests' pods, never garbage-collect their images.
      evictionHard: { 'memory.available': '1Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      serializeImagePulls: false,
      maxPods: 60,
      protectKernelDefaults: false,
      makeIPTablesUtilChains: false,
      localStorageCapacityIsolation: false,
      shutdownGracePeriod: '0s',
    },
    null,
    2,
  )}\n`;
}

/** KubeProxyConfiguration, iptables mode; oomScoreAdj 0 (no CAP_SYS_RESOURCE), no conntrack sysctls. */
export function kubeProxyConfig(input: { kubeconfigPath: string; healthzPort: number; metricsPort: number }): string {
  return `${JSON.stringify(
    {
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      mode: 'iptables',
      clientConnection: { kubeconfig: input.kubeconfigPath },
      clusterCIDR: NodeNetwork.podCidr,
      hostnameOverride: NODE_NAME,
      healthzBindAddress: `127.0.0.1:${input.healthzPort}`,
      metricsBindAddress: `127.0.0.1:${input.metricsPort}`,
      oomScoreAdj: 0,
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
      iptables: { masqueradeAll: false, localhostNodePorts: false },
    },
    null,
    2,
  )}\n`;
}

/** CoreDNS on the gateway address: cluster names from the API, nothing forwarded (traffic stays on the machine). */
export function corefile(input: { kubeconfigPath: string }): string {
  return `${NodeNetwork.clusterDomain}:53 in-addr.arpa:53 {
    bind ${NodeNetwork.gateway}
    errors
    kubernetes ${NodeNetwork.clusterDomain} in-addr.arpa {
        kubeconfig ${input.kubeconfigPath}
        pods insecure
    }
    cache 5
}
.:53 {
    bind ${NodeNetwork.gateway}
    errors
}
`;
}

/** What pods with dnsPolicy Default (and the kubelet) see: the node's own DNS, no upstream. */
export function nodeResolvConf(): string {
  return `nameserver ${NodeNetwork.gateway}\noptions ndots:1\n`;
}
