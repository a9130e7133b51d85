import { EVENT_ID, type Event } from 'js-yaml';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { positionOf } from './yaml-reason.js';

export interface AliasLimits {
  /** Alias nodes (`*ref`) allowed in one file. */
  maxAliases: number;
  /** Nodes that alias expansion may add across one file: the "billion laughs" budget. */
  maxAliasExpansion: number;
  /** Nesting depth after expanding aliases. */
  maxDepth: number;
}

interface Frame {
  anchor: string | undefined;
  size: number;
  height: number;
}

interface Measured {
  size: number;
  height: number;
}

/**
 * Walks parser events and measures what alias expansion would produce, before anything is constructed.
 * js-yaml shares one object per anchor, so the bomb only goes off later, when the result is copied or
 * serialised; refusing here keeps that walk bounded. Also refuses an alias to its own enclosing node, which
 * js-yaml would build into a cycle.
 */
export function checkAliasBudget(text: string, events: readonly Event[], limits: AliasLimits, source: string): void {
  const fail = (message: string): never => {
    throw new ManifestError(ManifestErrorCode.AliasLimit, `${source}: ${message}`);
  };
  const stack: Frame[] = [];
  let anchors = new Map<string, Measured>();
  let aliases = 0;
  let expanded = 0;

  const add = (measured: Measured, anchor: string | undefined): void => {
    if (anchor !== undefined) anchors.set(anchor, measured);
    const parent = stack.at(-1);
    if (parent) {
      parent.size += measured.size;
      parent.height = Math.max(parent.height, measured.height + 1);
    }
  };
  const anchorOf = (start: number, end: number): string | undefined =>
    start >= 0 ? text.slice(start, end) : undefined;

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        anchors = new Map();
        stack.push({ anchor: undefined, size: 0, height: 0 });
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        stack.push({ anchor: anchorOf(event.anchorStart, event.anchorEnd), size: 1, height: 0 });
        break;
      case EVENT_ID.SCALAR:
        add({ size: 1, height: 0 }, anchorOf(event.anchorStart, event.anchorEnd));
        break;
      case EVENT_ID.ALIAS: {
        const name = text.slice(event.anchorStart, event.anchorEnd);
        if (stack.some((frame) => frame.anchor === name)) {
          // The anchor name is input, and may be secret: say where, not what.
          fail(`alias at ${positionOf(text, event.anchorStart - 1)} refers to its own enclosing node`);
        }
        const target = anchors.get(name);
        if (!target) break; // js-yaml reports the unknown alias itself
        aliases += 1;
        if (aliases > limits.maxAliases) fail(`more than ${limits.maxAliases} aliases`);
        expanded += target.size;
        if (expanded > limits.maxAliasExpansion) {
          fail(`aliases expand to more than ${limits.maxAliasExpansion} nodes`);
        }
        if (stack.length - 1 + target.height > limits.maxDepth) {
          fail(`aliases nest deeper than ${limits.maxDepth} levels`);
        }
        add(target, undefined);
        break;
      }
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (frame && stack.length > 0) add({ size: frame.size, height: frame.height }, frame.anchor);
        break;
      }
    }
  }
}
