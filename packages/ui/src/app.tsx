import type { UiSession } from '@gitseal/manifests';
import { useEffect, useState } from 'preact/hooks';
import { getSession } from './api';
import { GitSyncPage } from './pages/git-sync';
import { KeysPage } from './pages/keys';
import { Overview } from './pages/overview';
import { SealPage } from './pages/seal';
import { SealedSecretsPage } from './pages/sealed-secrets';

/** The pages of the shell's navigation. */
const NAV = [
  { href: '#/', label: 'GitSyncs', matches: (path: string) => path === '/' || path.startsWith('/gitsyncs/') },
  { href: '#/sealedsecrets', label: 'SealedSecrets', matches: (path: string) => path === '/sealedsecrets' },
  { href: '#/keys', label: 'Keys', matches: (path: string) => path === '/keys' },
  { href: '#/seal', label: 'Seal', matches: (path: string) => path === '/seal' },
];

type Route =
  | { page: 'overview' }
  | { page: 'gitsync'; namespace: string; name: string }
  | { page: 'sealedsecrets' }
  | { page: 'keys' }
  | { page: 'seal' }
  | { page: 'missing' };

const TITLES: Record<string, string> = { sealedsecrets: 'SealedSecrets', keys: 'Keys', seal: 'Seal' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/') return { page: 'overview' };
  if (path === '/sealedsecrets') return { page: 'sealedsecrets' };
  if (path === '/keys') return { page: 'keys' };
  if (path === '/seal') return { page: 'seal' };
  const gitsync = /^\/gitsyncs\/([^/]+)\/([^/]+)$/.exec(path);
  if (gitsync?.[1] !== undefined && gitsync[2] !== undefined) {
    return { page: 'gitsync', namespace: decodeURIComponent(gitsync[1]), name: decodeURIComponent(gitsync[2]) };
  }
  return { page: 'missing' };
}

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

export function App() {
  const hash = useHash();
  const route = parseRoute(hash);
  const path = hash.replace(/^#/, '') || '/';
  const [session, setSession] = useState<UiSession | undefined>();
  useEffect(() => {
    getSession().then(setSession, () => undefined);
  }, []);
  useEffect(() => {
    document.title =
      route.page === 'gitsync'
        ? `${route.namespace}/${route.name} · gitseal`
        : `${TITLES[route.page] ?? 'GitSyncs'} · gitseal`;
    // Move focus to the new page's heading region so keyboard and screen-reader users land on it.
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [hash]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">gitseal</span>
        <nav aria-label="Pages">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={item.matches(path) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {session && (
          <span class="who" title={session.cluster}>
            {session.user} @ {session.context}
          </span>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'overview' && <Overview />}
        {route.page === 'gitsync' && (
          <GitSyncPage key={`${route.namespace}/${route.name}`} namespace={route.namespace} name={route.name} />
        )}
        {route.page === 'sealedsecrets' && <SealedSecretsPage />}
        {route.page === 'keys' && <KeysPage />}
        {route.page === 'seal' && <SealPage />}
        {route.page === 'missing' && (
          <p>
            No such page. <a href="#/">Back to the GitSyncs</a>
          </p>
        )}
      </main>
    </>
  );
}
