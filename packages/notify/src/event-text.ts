import { eventSeverity, formatObject, MAX_LISTED_OBJECTS, type NotifyEvent, type ObjectRef } from './event.js';

/** One labelled fact of an event, as the card providers show it. */
export interface Fact {
  readonly title: string;
  readonly value: string;
}

const MAX_TEXT = 300;

/** One line, control characters out, capped: a caller's message can never break a payload's layout. */
export function oneLine(text: string, max = MAX_TEXT): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function objects(list: readonly ObjectRef[] | undefined): string {
  const shown = (list ?? []).slice(0, MAX_LISTED_OBJECTS).map(formatObject);
  const more = (list?.length ?? 0) - shown.length;
  return more > 0 ? `${shown.join(', ')} (+${more} more)` : shown.join(', ');
}

/** `DriftCorrected: GitSync team-a/apps`: the headline every provider uses. */
export function eventTitle(event: NotifyEvent): string {
  return `${event.kind}: ${formatObject(event.object)}`;
}

/** A one-line human summary of the event (no values, only names, counts, reasons and field paths). */
export function eventSummary(event: NotifyEvent): string {
  switch (event.kind) {
    case 'SyncStarted':
      return oneLine(`syncing ${event.revision}`);
    case 'SyncSucceeded':
      return `synced${event.revision ? ` ${event.revision}` : ''}: ${event.changed} changed, ${event.unchanged} unchanged, ${event.pruned} pruned`;
    case 'SyncFailed':
      return oneLine(`sync failed (${event.reason})${event.message ? `: ${event.message}` : ''}`);
    case 'DriftCorrected':
      return oneLine(`drift corrected on ${formatObject(event.target)}: ${event.fields.join(', ')}`);
    case 'Pruned':
      return `pruned ${event.objects.length}: ${objects(event.objects)}`;
    case 'UnsealFailed':
      return oneLine(`cannot unseal (${event.reason})${event.message ? `: ${event.message}` : ''}`);
    case 'KeyRotated':
      return `sealing key rotated: new key ${event.keyId}`;
    case 'CompromisedKeyInUse':
      return `still sealed with key ${event.keyId}, which is marked compromised: reseal it`;
    case 'OwnershipConflict':
      return `${formatObject(event.target)} is owned by ${event.owner ?? 'another manager'}: not overwritten`;
    case 'CertificateRestored':
      return `the published sealing certificate was tampered with and has been restored`;
  }
}

/** The event's details as facts, in a stable order. */
export function eventFacts(event: NotifyEvent): Fact[] {
  const facts: Fact[] = [
    { title: 'Severity', value: eventSeverity(event) },
    { title: 'Object', value: formatObject(event.object) },
  ];
  if (event.revision) facts.push({ title: 'Revision', value: event.revision });
  switch (event.kind) {
    case 'SyncStarted':
      break;
    case 'SyncSucceeded':
      facts.push({
        title: 'Changed / unchanged / pruned',
        value: `${event.changed} / ${event.unchanged} / ${event.pruned}`,
      });
      break;
    case 'SyncFailed':
      facts.push({ title: 'Reason', value: oneLine(event.reason) });
      if (event.objects?.length) facts.push({ title: 'Objects', value: objects(event.objects) });
      break;
    case 'DriftCorrected':
      facts.push({ title: 'Drifted object', value: formatObject(event.target) });
      facts.push({ title: 'Fields', value: oneLine(event.fields.join(', ')) });
      break;
    case 'Pruned':
      facts.push({ title: 'Objects', value: objects(event.objects) });
      break;
    case 'UnsealFailed':
      facts.push({ title: 'Reason', value: oneLine(event.reason) });
      break;
    case 'KeyRotated':
    case 'CompromisedKeyInUse':
      facts.push({ title: 'Key', value: event.keyId });
      break;
    case 'OwnershipConflict':
      facts.push({ title: 'Conflicting object', value: formatObject(event.target) });
      if (event.owner) facts.push({ title: 'Owner', value: oneLine(event.owner) });
      break;
    case 'CertificateRestored':
      if (event.keyId) facts.push({ title: 'Key', value: event.keyId });
      break;
  }
  return facts;
}
