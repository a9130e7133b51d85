import {
  EVENT_ID,
  type AliasEvent,
  type Event,
  type MappingEvent,
  type ScalarEvent,
  type SequenceEvent,
} from 'js-yaml';

/** A node of the YAML presentation tree, keeping the parser events (and so the source offsets) it came from. */
export type EventNode =
  | { kind: 'mapping'; event: MappingEvent; pairs: Array<{ key: EventNode; value: EventNode }> }
  | { kind: 'sequence'; event: SequenceEvent; items: EventNode[] }
  | { kind: 'scalar'; event: ScalarEvent }
  | { kind: 'alias'; event: AliasEvent };

type OpenNode = Extract<EventNode, { kind: 'mapping' | 'sequence' }> & { pendingKey?: EventNode };

/** Rebuilds one tree per document from a flat event stream; `null` for a document without content. */
export function buildEventTrees(events: readonly Event[]): Array<EventNode | null> {
  const documents: Array<EventNode | null> = [];
  const stack: OpenNode[] = [];
  let inDocument = false;

  const attach = (node: EventNode): void => {
    const parent = stack.at(-1);
    if (!parent) {
      if (inDocument) documents[documents.length - 1] = node;
      return;
    }
    if (parent.kind === 'sequence') {
      parent.items.push(node);
    } else if (parent.pendingKey === undefined) {
      parent.pendingKey = node;
    } else {
      parent.pairs.push({ key: parent.pendingKey, value: node });
      delete parent.pendingKey;
    }
  };

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        documents.push(null);
        inDocument = true;
        break;
      case EVENT_ID.MAPPING:
        stack.push({ kind: 'mapping', event, pairs: [] });
        break;
      case EVENT_ID.SEQUENCE:
        stack.push({ kind: 'sequence', event, items: [] });
        break;
      case EVENT_ID.SCALAR:
        attach({ kind: 'scalar', event });
        break;
      case EVENT_ID.ALIAS:
        attach({ kind: 'alias', event });
        break;
      case EVENT_ID.POP: {
        const node = stack.pop();
        if (node) {
          delete node.pendingKey;
          attach(node);
        } else {
          inDocument = false;
        }
        break;
      }
    }
  }
  return documents;
}
