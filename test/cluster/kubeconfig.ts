import { writeFile } from 'node:fs/promises';
import { dump } from 'js-yaml';

export interface KubeconfigInput {
  server: string;
  caPem: string;
  user: string;
  token: string;
}

/** Writes a one-context kubeconfig (token auth, CA pinned) that kubectl and @kubernetes/client-node both read. */
export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<void> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'gitseal-test',
        cluster: { server: input.server, 'certificate-authority-data': Buffer.from(input.caPem).toString('base64') },
      },
    ],
    users: [{ name: input.user, user: { token: input.token } }],
    contexts: [{ name: input.user, context: { cluster: 'gitseal-test', user: input.user, namespace: 'default' } }],
    'current-context': input.user,
  };
  await writeFile(path, dump(config), { mode: 0o600 });
}
