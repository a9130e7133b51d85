import type { GitAuth } from './git-auth.js';
import { basicAuthorization } from './chart-auth.js';
import { chartGet, ChartHttpError, statusProblem, type ChartHttpResponse } from './chart-http.js';
import { isHeaderSafe, nextLink, parseChallenge, readToken, tokenUrl } from './oci-auth.js';
import type { OciChartRepository } from './oci-reference.js';

export interface OciSessionOptions {
  readonly repo: OciChartRepository;
  readonly auth?: GitAuth;
  readonly allowHttp: boolean;
  readonly timeoutMs: number;
}

export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];
const MAX_MANIFEST_BYTES = 1024 * 1024;
const MAX_TAG_PAGE_BYTES = 4 * 1024 * 1024;
const MAX_TOKEN_BYTES = 64 * 1024;
const MAX_TAG_PAGES = 100;
const TAG_PAGE_SIZE = 1000;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The chart layer an OCI manifest names. */
export interface OciChartLayer {
  readonly digest: string;
  readonly size: number;
}

/**
 * Talks the distribution API for one repository: anonymous first (or the given bearer token), then on 401 the
 * challenge's way: `Basic` → basic auth, `Bearer realm,service,scope` → a token from the realm (with basic
 * credentials when there are some) → bearer. Errors are ChartHttpErrors worded for a chart error.
 */
export class OciSession {
  private authorization: string | undefined;
  private authenticated = false;

  constructor(private readonly o: OciSessionOptions) {
    const token = o.auth?.bearerToken;
    this.authorization = token !== undefined && isHeaderSafe(token) ? `Bearer ${token}` : undefined;
  }

  /** All tags, following `Link` pages, at most `maxTags` (more is an error: a list that never ends). */
  async listTags(maxTags: number): Promise<string[]> {
    const tags: string[] = [];
    let url: URL | undefined = this.url(`tags/list?n=${TAG_PAGE_SIZE}`);
    for (let page = 0; url; page++) {
      if (page >= MAX_TAG_PAGES) throw new ChartHttpError(`tag list has more than ${MAX_TAG_PAGES} pages`);
      const res = await this.get(url, 'application/json', MAX_TAG_PAGE_BYTES);
      if (res.status !== 200) throw new ChartHttpError(statusProblem(res.status, 'chart'));
      tags.push(...readTags(res.body));
      if (tags.length > maxTags) throw new ChartHttpError(`tag list has more than ${maxTags} tags`);
      const next = nextLink(headerText(res.headers['link']), res.url);
      if (next && next.origin !== this.o.repo.base.origin) throw new ChartHttpError('tag list links to another host');
      url = next;
    }
    return tags;
  }

  /** The Helm chart layer of the manifest tagged `tag`. */
  async chartLayer(tag: string, shownVersion: string): Promise<OciChartLayer | undefined> {
    const res = await this.get(
      this.url(`manifests/${encodeURIComponent(tag)}`),
      MANIFEST_TYPES.join(', '),
      MAX_MANIFEST_BYTES,
    );
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new ChartHttpError(statusProblem(res.status, `version ${shownVersion}`));
    return readChartLayer(res.body);
  }

  /** Streams the blob into `sinkPath` (caller verifies the digest). */
  async blob(digest: string, sinkPath: string, maxBytes: number): Promise<ChartHttpResponse> {
    const res = await this.get(this.url(`blobs/${digest}`), 'application/octet-stream', maxBytes, sinkPath);
    if (res.status !== 200) throw new ChartHttpError(statusProblem(res.status, `blob ${digest.slice(0, 19)}`));
    return res;
  }

  private url(rest: string): URL {
    return new URL(`v2/${this.o.repo.repository}/${rest}`, this.o.repo.base);
  }

  private async get(url: URL, accept: string, maxBytes: number, sinkPath?: string): Promise<ChartHttpResponse> {
    const send = () =>
      chartGet({
        url,
        accept,
        maxBytes,
        timeoutMs: this.o.timeoutMs,
        allowHttp: this.o.allowHttp,
        ...(this.authorization !== undefined ? { authorization: this.authorization } : {}),
        ...(this.o.auth?.caBundle !== undefined ? { ca: this.o.auth.caBundle } : {}),
        ...(sinkPath !== undefined ? { sinkPath } : {}),
      });
    const res = await send();
    if (res.status !== 401 || this.authenticated) return res;
    this.authenticated = true;
    if (!(await this.answerChallenge(headerText(res.headers['www-authenticate'])))) return res;
    return send();
  }

  /** Sets the authorization the challenge asks for; false when there is nothing to answer it with. */
  private async answerChallenge(header: string | undefined): Promise<boolean> {
    const challenge = parseChallenge(header);
    const basic = basicAuthorization(this.o.auth);
    if (challenge.scheme === 'basic') {
      if (basic === undefined || basic === this.authorization) return false;
      this.authorization = basic;
      return true;
    }
    if (challenge.scheme !== 'bearer') return false;
    let realm: URL;
    try {
      realm = tokenUrl(challenge, this.o.repo.repository);
    } catch {
      throw new ChartHttpError('the registry names an invalid token endpoint');
    }
    const res = await chartGet({
      url: realm,
      accept: 'application/json',
      maxBytes: MAX_TOKEN_BYTES,
      timeoutMs: this.o.timeoutMs,
      allowHttp: this.o.allowHttp,
      ...(basic !== undefined ? { authorization: basic } : {}),
      ...(this.o.auth?.caBundle !== undefined ? { ca: this.o.auth.caBundle } : {}),
    }).catch((error: unknown) => {
      if (error instanceof ChartHttpError) throw new ChartHttpError(`token endpoint: ${error.message}`);
      throw error;
    });
    if (res.status !== 200) throw new ChartHttpError(`token endpoint: ${statusProblem(res.status, 'token')}`);
    const token = readToken(res.body);
    if (token === undefined) throw new ChartHttpError('token endpoint: answer has no token');
    this.authorization = `Bearer ${token}`;
    return true;
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function readTags(body: Buffer): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ChartHttpError('tag list is not JSON');
  }
  const tags = (parsed as { tags?: unknown } | null)?.tags;
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    throw new ChartHttpError('tag list: tags is not a list of strings');
  }
  return tags as string[];
}

/** The Helm chart layer of an OCI image manifest (JSON). */
export function readChartLayer(body: Buffer): OciChartLayer {
  let manifest: unknown;
  try {
    manifest = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ChartHttpError('manifest is not JSON');
  }
  const layers = (manifest as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) throw new ChartHttpError('manifest has no layers (not a Helm chart)');
  const layer = layers.find(
    (l): l is { digest: unknown; size: unknown } =>
      (l as { mediaType?: unknown } | null)?.mediaType === HELM_CHART_LAYER,
  );
  if (!layer) throw new ChartHttpError(`not a Helm chart: no layer ${HELM_CHART_LAYER}`);
  if (typeof layer.digest !== 'string' || !DIGEST.test(layer.digest)) {
    throw new ChartHttpError('manifest: the chart layer has no sha256 digest');
  }
  if (typeof layer.size !== 'number' || !Number.isSafeInteger(layer.size) || layer.size < 0) {
    throw new ChartHttpError('manifest: the chart layer has no size');
  }
  return { digest: layer.digest, size: layer.size };
}
