// Which cluster `npm run demo` runs on, and why (its first line says both). Pure: the facts about the machine are
// gathered by the caller.

export const DemoMode = {
  /** A real node started here: kubelet, containerd, the controller as a Pod, the app's Pods serving. */
  Node: 'node',
  /** A node cluster that already runs (`--node-cluster`): the demo installs into it and removes what it added. */
  ExistingNode: 'existing-node',
  /** kube-apiserver + etcd only, the controller as a local process: no Pods run. */
  ApiOnly: 'api-only',
  /** The cluster $KUBECONFIG names, the controller as a local process. */
  CurrentContext: 'current-context',
} as const;
export type DemoMode = (typeof DemoMode)[keyof typeof DemoMode];

export interface DemoFlags {
  readonly apiOnly: boolean;
  readonly useCurrentContext: boolean;
  readonly nodeCluster?: string;
}

/** What the machine offers for a node of its own; each field says why not, or is undefined. */
export interface NodeFacts {
  /** Linux, root, cgroup v1 memory controller (nodeUnsupported()). */
  readonly unsupported?: string;
  /** runc, CNI plugins, and the node's binaries cached or Go to build them. */
  readonly binaries?: string;
  /** buildah, debootstrap, Go for the images. */
  readonly images?: string;
  /** Another node cluster on this machine (one fits). */
  readonly busy?: string;
}

export interface DemoChoice {
  readonly mode: DemoMode;
  /** The demo's first line. */
  readonly line: string;
}

export class DemoUsageError extends Error {}

/** Picks the mode: flags first, then a real node when the machine allows it, else the API-only control plane. */
export function chooseDemoMode(flags: DemoFlags, facts: NodeFacts): DemoChoice {
  const given = [flags.apiOnly && '--api-only', flags.useCurrentContext && '--use-current-context']
    .concat(flags.nodeCluster !== undefined ? ['--node-cluster'] : [])
    .filter((f): f is string => typeof f === 'string');
  if (given.length > 1) throw new DemoUsageError(`${given.join(' and ')} exclude each other`);
  if (flags.apiOnly) {
    return { mode: DemoMode.ApiOnly, line: 'gitseal demo: on the API-only control plane (--api-only)' };
  }
  if (flags.useCurrentContext) {
    return {
      mode: DemoMode.CurrentContext,
      line: 'gitseal demo: on your cluster from $KUBECONFIG (--use-current-context), the controller as a local process',
    };
  }
  if (flags.nodeCluster !== undefined) {
    return {
      mode: DemoMode.ExistingNode,
      line: `gitseal demo: on the running node cluster ${flags.nodeCluster} (--node-cluster)`,
    };
  }
  const why = facts.unsupported ?? facts.binaries ?? facts.images ?? facts.busy;
  if (why !== undefined) {
    return {
      mode: DemoMode.ApiOnly,
      line: `gitseal demo: on the API-only control plane, no Pods run (no real node: ${why})`,
    };
  }
  return {
    mode: DemoMode.Node,
    line: 'gitseal demo: on a real node (Linux, root, node binaries and images at hand or buildable; --api-only to skip)',
  };
}
