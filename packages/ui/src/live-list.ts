import { useMemo, useState } from 'preact/hooks';
import { useEventStream, type Connection } from './live';

/** The messages of a live list stream (the server's ResourceFeed). */
export type LiveListMessage<Item> =
  | { readonly type: 'snapshot'; readonly items: readonly Item[]; readonly scope: string; readonly live: boolean }
  | { readonly type: 'upsert'; readonly item: Item }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'problem'; readonly message: string };

interface ListState<Item> {
  readonly items: ReadonlyMap<string, Item>;
  readonly loaded: boolean;
  readonly live: boolean;
  readonly scope: string;
  readonly problems: readonly string[];
}

function reduce<Item extends { readonly key: string }>(
  state: ListState<Item>,
  message: LiveListMessage<Item>,
): ListState<Item> {
  switch (message.type) {
    case 'snapshot':
      return {
        ...state,
        items: new Map(message.items.map((i) => [i.key, i])),
        loaded: true,
        live: message.live,
        scope: message.scope,
      };
    case 'upsert':
      return { ...state, items: new Map(state.items).set(message.item.key, message.item) };
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

export interface LiveList<Item> {
  /** Every item, sorted by key. */
  readonly all: readonly Item[];
  /** The namespaces the items are in, sorted. */
  readonly namespaces: readonly string[];
  readonly loaded: boolean;
  /** Which namespaces the list covers ('' until loaded). */
  readonly scope: string;
  readonly problems: readonly string[];
  readonly connection: Connection;
  /** Loading…, Live, Reconnecting… or Not live (the user may list but not watch). */
  readonly liveText: string;
}

/** A page's live list: a snapshot, then upserts and deletes from the stream at `url`. */
export function useLiveList<Item extends { readonly key: string; readonly namespace: string }>(
  url: string,
): LiveList<Item> {
  const [state, setState] = useState<ListState<Item>>(() => ({
    items: new Map(),
    loaded: false,
    live: false,
    scope: '',
    problems: [],
  }));
  const connection = useEventStream<LiveListMessage<Item>>(url, (m) => setState((s) => reduce(s, m)));
  const all = useMemo(() => [...state.items.values()].sort((a, b) => a.key.localeCompare(b.key)), [state.items]);
  const namespaces = useMemo(() => [...new Set(all.map((i) => i.namespace))].sort(), [all]);
  const liveText = !state.loaded
    ? 'Loading…'
    : !state.live
      ? 'Not live'
      : connection === 'live'
        ? 'Live'
        : 'Reconnecting…';
  const { loaded, scope, problems } = state;
  return { all, namespaces, loaded, scope, problems, connection, liveText };
}
