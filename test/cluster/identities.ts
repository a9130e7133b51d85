import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

export const ADMIN_USER = 'gitseal-admin';
/** A plain authenticated user: RBAC grants it nothing until a test binds a role to it. */
export const NON_ADMIN_USER = 'gitseal-user';

export interface Identities {
  adminToken: string;
  userToken: string;
}

/** Writes a kube-apiserver --token-auth-file with fresh tokens for the admin and the non-admin user. */
export async function writeTokenAuthFile(path: string): Promise<Identities> {
  const identities = { adminToken: newToken(), userToken: newToken() };
  const lines = [
    `${identities.adminToken},${ADMIN_USER},${ADMIN_USER},"system:masters"`,
    `${identities.userToken},${NON_ADMIN_USER},${NON_ADMIN_USER}`,
  ];
  await writeFile(path, lines.join('\n') + '\n', { mode: 0o600 });
  return identities;
}

function newToken(): string {
  return randomBytes(24).toString('hex');
}
