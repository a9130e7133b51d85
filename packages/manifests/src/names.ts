const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A valid key in a Secret's data (Kubernetes IsConfigMapKey). */
export function isValidSecretKey(key: string): boolean {
  return key.length <= 253 && SECRET_KEY.test(key) && key !== '.' && key !== '..';
}

/** A valid object name for Secrets and SealedSecrets (RFC 1123 subdomain). */
export function isValidObjectName(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

export function isValidNamespace(namespace: string): boolean {
  return namespace.length <= 63 && DNS_LABEL.test(namespace);
}

/** A key or name for a message: quoted and cut short, since it may come from an untrusted file. */
export function quoteName(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
