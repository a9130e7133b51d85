import type { ComponentChildren } from 'preact';

/** Tones map to colour pairs with at least 4.5:1 contrast; the text always says the state too. */
export type Tone = 'ok' | 'busy' | 'bad' | 'warn' | 'muted';

const TONES: Record<string, Tone> = {
  Ready: 'ok',
  Healthy: 'ok',
  Current: 'ok',
  InSync: 'ok',
  Succeeded: 'ok',
  True: 'ok',
  Reconciling: 'busy',
  Progressing: 'busy',
  InProgress: 'busy',
  Stalled: 'bad',
  Failed: 'bad',
  Degraded: 'bad',
  Missing: 'bad',
  Drifted: 'warn',
  Warning: 'warn',
  Suspended: 'warn',
};

const LABELS: Record<string, string> = { InSync: 'In sync', InProgress: 'In progress' };

export function toneOf(value: string): Tone {
  return TONES[value] ?? 'muted';
}

export function Badge(props: { value: string; tone?: Tone; children?: ComponentChildren }) {
  const tone = props.tone ?? toneOf(props.value);
  return <span class={`badge badge-${tone}`}>{props.children ?? LABELS[props.value] ?? props.value}</span>;
}
