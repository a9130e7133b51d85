import { ControllerError, ControllerErrorCode } from './controller-error.js';

const UNIT_MS = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
} as const;

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;

/** Parses a Go-style duration (`720h`, `30s`, `1h30m`, `1.5h`, `0`) into milliseconds. Negative is refused. */
export function parseDuration(text: string): number {
  const value = text.trim();
  if (value === '0') return 0;
  if (value === '') throw new ControllerError(ControllerErrorCode.InvalidFlag, 'duration is empty');
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = PART.exec(value)) !== null) {
    const [whole, amount = '', unit = ''] = match;
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    consumed += whole.length;
  }
  if (consumed !== value.length || !Number.isFinite(total)) {
    throw new ControllerError(
      ControllerErrorCode.InvalidFlag,
      `duration "${value}" is not like 720h, 30s or 1h30m (units ns, us, ms, s, m, h)`,
    );
  }
  return total;
}

/** Renders milliseconds as a Go-style duration, e.g. 5400000 -> `1h30m0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const h = Math.floor(ms / UNIT_MS.h);
  const m = Math.floor((ms % UNIT_MS.h) / UNIT_MS.m);
  const s = (ms % UNIT_MS.m) / 1_000;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}
