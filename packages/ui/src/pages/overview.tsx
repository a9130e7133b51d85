import type { UiGitSyncSummary, UiOverviewMessage } from '@gitseal/manifests';
import { useMemo, useState } from 'preact/hooks';
import { Badge } from '../components/badge';
import { ago, exactTime, gitSyncHref } from '../format';
import { useEventStream } from '../live';
import { countStates, matches, STATES, type OverviewFilter } from '../overview-filter';

type View = 'table' | 'tiles';

interface ListState {
  readonly items: ReadonlyMap<string, UiGitSyncSummary>;
  readonly loaded: boolean;
  readonly live: boolean;
  readonly scope: string;
  readonly problems: readonly string[];
}

const EMPTY: ListState = { items: new Map(), loaded: false, live: false, scope: '', problems: [] };

function reduce(state: ListState, message: UiOverviewMessage): ListState {
  switch (message.type) {
    case 'snapshot':
      return {
        ...state,
        items: new Map(message.items.map((i) => [i.key, i])),
        loaded: true,
        live: message.live,
        scope: message.scope,
      };
    case 'upsert': {
      const items = new Map(state.items);
      items.set(message.item.key, message.item);
      return { ...state, items };
    }
    case 'delete': {
      const items = new Map(state.items);
      items.delete(message.key);
      return { ...state, items };
    }
    case 'problem':
      return state.problems.includes(message.message)
        ? state
        : { ...state, problems: [...state.problems, message.message] };
  }
}

function StateCell({ item }: { item: UiGitSyncSummary }) {
  return (
    <span class="state">
      <Badge value={item.state} />
      {item.reason !== undefined && <span class="reason">{item.reason}</span>}
    </span>
  );
}

function Revision({ item }: { item: UiGitSyncSummary }) {
  return item.shortRevision !== undefined ? (
    <code title={item.revision}>{item.shortRevision}</code>
  ) : (
    <span class="muted">{item.revision ?? '-'}</span>
  );
}

function LastSync({ item }: { item: UiGitSyncSummary }) {
  if (item.lastSyncAt === undefined) return <span class="muted">never</span>;
  return (
    <span title={exactTime(item.lastSyncAt)}>
      {ago(item.lastSyncAt)}
      {item.lastSyncDuration !== undefined && <span class="muted"> · {item.lastSyncDuration}</span>}
    </span>
  );
}

function Table({ items }: { items: readonly UiGitSyncSummary[] }) {
  return (
    <div class="table-scroll" role="region" aria-label="GitSyncs table" tabIndex={-1}>
      <table class="gitsyncs">
        <caption class="sr-only">GitSyncs: Tab moves from row to row, Enter opens one.</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Namespace</th>
            <th scope="col">Status</th>
            <th scope="col">Health</th>
            <th scope="col">Revision</th>
            <th scope="col">Last sync</th>
            <th scope="col">Suspended</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.key} data-key={item.key} data-state={item.state}>
              <th scope="row">
                <a class="row-link" href={gitSyncHref(item.namespace, item.name)} aria-label={`GitSync ${item.key}`}>
                  {item.name}
                </a>
              </th>
              <td>{item.namespace}</td>
              <td>
                <StateCell item={item} />
              </td>
              <td>
                <Badge value={item.health} /> <span class="muted">{item.objects} objects</span>
              </td>
              <td>
                <Revision item={item} />
              </td>
              <td>
                <LastSync item={item} />
              </td>
              <td>{item.suspended ? <Badge value="Suspended" /> : <span class="muted">no</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Tiles({ items }: { items: readonly UiGitSyncSummary[] }) {
  return (
    <ul class="tiles" aria-label="GitSyncs as tiles">
      {items.map((item) => (
        <li key={item.key} data-key={item.key} data-state={item.state}>
          <a class={`tile tile-${item.state}`} href={gitSyncHref(item.namespace, item.name)}>
            <span class="tile-name">{item.name}</span>
            <span class="muted">{item.namespace}</span>
            <StateCell item={item} />
            <span>
              <Badge value={item.health} /> {item.suspended && <Badge value="Suspended" />}
            </span>
            <span>
              <Revision item={item} /> · <LastSync item={item} />
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

export function Overview() {
  const [state, setState] = useState<ListState>(EMPTY);
  const [filter, setFilter] = useState<OverviewFilter>({ namespace: '', status: '', text: '' });
  const [view, setView] = useState<View>('table');
  const connection = useEventStream<UiOverviewMessage>('/api/gitsyncs/stream', (m) => setState((s) => reduce(s, m)));

  const all = useMemo(() => [...state.items.values()].sort((a, b) => a.key.localeCompare(b.key)), [state.items]);
  const namespaces = useMemo(() => [...new Set(all.map((i) => i.namespace))].sort(), [all]);
  const shown = useMemo(() => all.filter((i) => matches(i, filter)), [all, filter]);
  const counts = countStates(all);
  const liveText = !state.loaded
    ? 'Loading…'
    : !state.live
      ? 'Not live'
      : connection === 'live'
        ? 'Live'
        : 'Reconnecting…';

  return (
    <section aria-labelledby="overview-title">
      <div class="page-head">
        <h1 id="overview-title">GitSyncs</h1>
        <span class={`live live-${connection}`} role="status" aria-live="polite">
          {liveText}
          {state.loaded && state.scope !== '' && <span class="muted"> · {state.scope}</span>}
        </span>
      </div>
      {state.problems.map((p) => (
        <p class="problem" role="alert" key={p}>
          {p}
        </p>
      ))}
      <ul class="counts" aria-label="GitSyncs per state">
        <li>
          <strong data-count="Total">{all.length}</strong> total
        </li>
        {[...STATES, 'Suspended'].map((s) => (
          <li key={s}>
            <Badge value={s}>
              <strong data-count={s}>{counts[s] ?? 0}</strong> {s}
            </Badge>
          </li>
        ))}
      </ul>
      <form class="filters" role="search" aria-label="Filter GitSyncs" onSubmit={(e) => e.preventDefault()}>
        <label>
          Namespace
          <select
            value={filter.namespace}
            onChange={(e) => setFilter({ ...filter, namespace: (e.target as HTMLSelectElement).value })}
          >
            <option value="">All namespaces</option>
            {namespaces.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select
            value={filter.status}
            onChange={(e) => setFilter({ ...filter, status: (e.target as HTMLSelectElement).value })}
          >
            <option value="">Any status</option>
            {[...STATES, 'Suspended'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          Search
          <input
            type="search"
            placeholder="name, namespace, reason, source…"
            value={filter.text}
            onInput={(e) => setFilter({ ...filter, text: (e.target as HTMLInputElement).value })}
          />
        </label>
        <fieldset class="toggle">
          <legend>View</legend>
          {(['table', 'tiles'] as const).map((v) => (
            <button type="button" key={v} aria-pressed={view === v} onClick={() => setView(v)}>
              {v === 'table' ? 'Table' : 'Tiles'}
            </button>
          ))}
        </fieldset>
      </form>
      <p class="muted" aria-live="polite">
        {state.loaded ? `Showing ${shown.length} of ${all.length}` : 'Reading GitSyncs…'}
      </p>
      {state.loaded && all.length === 0 && state.problems.length === 0 && (
        <p class="empty">No GitSyncs yet. Create one with kubectl and it appears here.</p>
      )}
      {shown.length > 0 && (view === 'table' ? <Table items={shown} /> : <Tiles items={shown} />)}
    </section>
  );
}
