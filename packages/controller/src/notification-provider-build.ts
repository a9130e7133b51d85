import type { NotificationProvider } from '@gitseal/manifests';
import {
  alertmanagerProvider,
  commitStatusProblem,
  commitStatusProvider,
  slackProvider,
  teamsProvider,
  webhookProvider,
  type CommitStatusProviderOptions,
  type Provider,
} from '@gitseal/notify';

/** The decoded data of a NotificationProvider's Secret (read as its namespace's own identity). */
export type ProviderCredentials = Readonly<Record<string, string>>;

export type BuiltProvider = { readonly provider: Provider } | { readonly problem: string };

/** `namespace/name`: how logs, metrics and errors name a provider — never by its URL, which may hold a token. */
export function providerKey(resource: Pick<NotificationProvider, 'metadata'>): string {
  return `${resource.metadata.namespace ?? 'default'}/${resource.metadata.name}`;
}

function addressOf(resource: NotificationProvider, credentials: ProviderCredentials): string | undefined {
  return credentials['address'] ?? resource.spec.address;
}

function checkAddress(address: string | undefined, allowHttp: boolean): string | undefined {
  if (address === undefined) return 'no address: set spec.address or the Secret’s address key';
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'the address is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowHttp) return undefined;
  return url.protocol === 'http:'
    ? 'plain http is not allowed (use https)'
    : `${url.protocol} addresses are not supported`;
}

/**
 * A delivery provider for a NotificationProvider resource, or why it cannot be built (a line for its Ready
 * condition: never the address or a credential). Commit-status types are not delivered yet.
 */
export function buildProvider(
  resource: NotificationProvider,
  credentials: ProviderCredentials,
  options: { allowHttp: boolean },
): BuiltProvider {
  const name = providerKey(resource);
  const address = addressOf(resource, credentials);
  const problem = checkAddress(address, options.allowHttp);
  if (problem !== undefined) return { problem };
  const url = address as string;
  switch (resource.spec.type) {
    case 'webhook':
      return {
        provider: webhookProvider({ name, url, ...(credentials['hmacKey'] ? { secret: credentials['hmacKey'] } : {}) }),
      };
    case 'slack':
      return { provider: slackProvider({ name, url }) };
    case 'teams':
      return { provider: teamsProvider({ name, url }) };
    case 'alertmanager':
      return {
        provider: alertmanagerProvider({
          name,
          url,
          ...(credentials['token'] ? { bearerToken: credentials['token'] } : {}),
        }),
      };
    case 'github':
    case 'gitlab':
    case 'gitea':
      return commitStatus(resource, url, credentials);
    default:
      return { problem: `type ${String(resource.spec.type)}: not a provider type` };
  }
}

/** Git commit statuses: the token from the Secret, the repository from the spec. */
function commitStatus(
  resource: NotificationProvider,
  address: string,
  credentials: ProviderCredentials,
): BuiltProvider {
  const token = credentials['token'];
  if (!token) return { problem: 'commit statuses need a token: set the token key of spec.secretRef' };
  const options: CommitStatusProviderOptions = {
    name: providerKey(resource),
    type: resource.spec.type as CommitStatusProviderOptions['type'],
    address,
    repository: resource.spec.repository ?? '',
    token,
  };
  const problem = commitStatusProblem(options);
  return problem === undefined ? { provider: commitStatusProvider(options) } : { problem };
}

/** Whether a provider type sets Git commit statuses (it hears SyncStarted, and only sync events). */
export function isCommitStatusType(type: string): boolean {
  return type === 'github' || type === 'gitlab' || type === 'gitea';
}
