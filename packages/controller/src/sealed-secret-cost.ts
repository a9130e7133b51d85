/** What one API request will cost, read from its parsed body before any validation or RSA work. */
export interface ApiCost {
  /** RSA private operations it asks for at least: one per item. */
  readonly operations: number;
  /** Names the request's object in a message: `SealedSecret ns/name`, or `SealedSecret`. */
  readonly subject: string;
}

/** A Kubernetes object name or namespace (DNS subdomain): only such text from a request goes into a message. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * The cost of a posted SealedSecret: its item count (one RSA private operation each, at least; a v1 item may
 * cost one per held key) and its name, only when namespace and name are valid object names, so nothing odd
 * from the body is echoed. A body that is no SealedSecret costs nothing here and is refused later (400).
 */
export function sealedSecretCost(body: unknown): ApiCost {
  const object = body as { metadata?: { namespace?: unknown; name?: unknown }; spec?: { encryptedData?: unknown } };
  const data = object?.spec?.encryptedData;
  const items = typeof data === 'object' && data !== null && !Array.isArray(data) ? Object.keys(data).length : 0;
  const { namespace, name } = object?.metadata ?? {};
  const named =
    typeof namespace === 'string' && typeof name === 'string' && OBJECT_NAME.test(namespace) && OBJECT_NAME.test(name);
  return { operations: items, subject: named ? `SealedSecret ${namespace}/${name}` : 'SealedSecret' };
}
