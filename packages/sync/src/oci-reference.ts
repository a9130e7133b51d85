/** A chart's repository in an OCI registry: `oci://host[:port]/path` + the chart's name. */
export interface OciChartRepository {
  /** `host[:port]`. */
  readonly registry: string;
  /** `path/name`, as in `/v2/<repository>/…`. */
  readonly repository: string;
  /** `https://host[:port]/` (or http:// for a plain-HTTP registry). */
  readonly base: URL;
}

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const MAX_REPOSITORY = 255;

/** Parses `oci://registry/path` and the chart name; throws an Error whose message says what is wrong. */
export function ociChartRepository(url: string, name: string, plainHttp: boolean): OciChartRepository {
  if (!/^oci:\/\//i.test(url)) throw new Error('not an oci:// URL');
  let parsed: URL;
  try {
    parsed = new URL(`https://${url.slice('oci://'.length)}`);
  } catch {
    throw new Error('not a valid oci:// URL');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new Error('credentials in the URL are not allowed (use secretRef)');
  }
  if (parsed.search !== '' || parsed.hash !== '') throw new Error('an oci:// URL takes no query or fragment');
  const path = parsed.pathname.replace(/^\/+|\/+$/g, '');
  const repository = path === '' ? name : `${path}/${name}`;
  if (repository.length > MAX_REPOSITORY || !repository.split('/').every((c) => COMPONENT.test(c))) {
    throw new Error(`"${repository.slice(0, 80)}" is not a valid OCI repository name (lower-case a-z, 0-9, . _ -)`);
  }
  const base = new URL(`${plainHttp ? 'http' : 'https'}://${parsed.host}/`);
  return { registry: parsed.host, repository, base };
}

/** `oci://host/path/name:version`, for messages. */
export function ociLocation(repo: OciChartRepository, tag: string): string {
  return `oci://${repo.registry}/${repo.repository}:${tag}`;
}
