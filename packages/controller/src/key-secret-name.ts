/** Sealing-key Secrets are created with this generateName prefix in the controller's namespace. */
export const KEY_SECRET_PREFIX = 'gitseal-key-';
