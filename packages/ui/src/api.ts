// Talks only to gitseal ui's own server (same origin, session cookie); every POST carries the CSRF token.
import type { UiActionResult, UiError, UiSession } from '@gitseal/manifests';

let session: Promise<UiSession> | undefined;

/** Who the UI acts as, and the CSRF token (read once per page load). */
export function getSession(): Promise<UiSession> {
  session ??= fetch('/api/session', { credentials: 'same-origin' }).then(async (res) => {
    if (!res.ok) throw new Error(await errorMessage(res));
    return (await res.json()) as UiSession;
  });
  return session;
}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as Partial<UiError>;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return res.status === 401
    ? 'Your session ended: open the login URL gitseal ui printed.'
    : `Request failed (${res.status})`;
}

/** POSTs an action of a GitSync; resolves with the server's one-line answer (ok false on any refusal). */
export async function postAction(path: string): Promise<UiActionResult> {
  try {
    const { csrfToken } = await getSession();
    const res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrfToken },
    });
    if (!res.ok) return { ok: false, message: await errorMessage(res) };
    return (await res.json()) as UiActionResult;
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : 'Request failed' };
  }
}

export const gitSyncPath = (namespace: string, name: string): string =>
  `/api/gitsyncs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;

/** GETs one of the server's JSON answers; throws its one-line message on any refusal. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(await errorMessage(res));
  return (await res.json()) as T;
}
