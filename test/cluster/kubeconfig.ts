import { writeFile } from 'node:fs/promises';
import { dump } from 'js-yaml';

export interface KubeconfigInput {
  server: string;
  caPem: string;
  user: string;
  /** A bearer token, or a client certificate and key (paths). */
  token?: string;
  clientCert?: { readonly certPath: string; readonly keyPath: string };
}

/** Writes a one-context kubeconfig (token or client-certificate auth, CA pinned) that kubectl and client-node read. */
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
    users: [
      {
        name: input.user,
        user: input.clientCert
          ? { 'client-certificate': input.clientCert.certPath, 'client-key': input.clientCert.keyPath }
          : { token: input.token },
      },
    ],
    contexts: [{ name: input.user, context: { cluster: 'gitseal-test', user: input.user, namespace: 'default' } }],
    'current-context': input.user,
  };
  await writeFile(path, dump(config), { mode: 0o600 });
}
