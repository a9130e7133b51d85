import { backoffDelay } from '@gitseal/kube';
import {
  NO_RESTORES,
  planRestore,
  RESTORE_BACKOFF,
  type RestoreBackoffOptions,
  type RestoreHistory,
} from './restore-backoff.js';

/** A GitSync's applied object that another field manager keeps changing back (names only, never values). */
export interface Contest {
  /** e.g. `ConfigMap app/settings` */
  readonly object: string;
  /** The other field managers, newest first (from managedFields). */
  readonly managers: readonly string[];
  /** Re-applies answered by another change within the quiet period, in a row. */
  readonly heals: number;
  /** The wait before the next re-apply (ms). */
  readonly nextInMs: number;
  /** One line for the condition and the Event. */
  readonly message: string;
}

/** From this many answered re-applies in a row on, the GitSync is reported as fought over. */
export const CONTEST_STREAK = 2;

interface HealState {
  history: RestoreHistory;
  /** A heal is already scheduled until this time: more drift meanwhile joins it. */
  pendingUntil: number;
  contest: Contest | undefined;
  /** The contest was not yet reported by an Event. */
  unreported: boolean;
}

/**
 * Self-heal pacing per GitSync: the first drift is healed at once; drift that answers our last re-apply within
 * the quiet period waits 1 s, doubling up to 5 min (restore-backoff), so two writers fighting over a field settle
 * at one re-apply per 5 min instead of a hot loop, and from {@link CONTEST_STREAK} answered re-applies on the
 * GitSync is marked contested, naming the other field managers.
 */
export class DriftHeals {
  readonly #states = new Map<string, HealState>();
  readonly #options: RestoreBackoffOptions;

  constructor(options: RestoreBackoffOptions = RESTORE_BACKOFF) {
    this.#options = options;
  }

  /**
   * Drift of `object` seen at `now` for GitSync `key`: the delay before its heal. Drift while a heal is already
   * scheduled joins it (the same due time, the streak unchanged); the delay is still returned, because the work
   * queue drops a delayed key when an earlier run of it starts (an own write seen early, a spec change), and a run
   * that came before this drift has not healed it.
   */
  drift(key: string, object: string, managers: readonly string[], now: number): number {
    const state = this.#states.get(key) ?? {
      history: NO_RESTORES,
      pendingUntil: 0,
      contest: undefined,
      unreported: false,
    };
    this.#states.set(key, state);
    if (state.pendingUntil > now) return state.pendingUntil - now;
    const plan = planRestore(state.history, now, this.#options);
    state.history = { streak: plan.streak, lastAt: plan.notBefore };
    state.pendingUntil = plan.notBefore;
    const delay = plan.notBefore - now;
    if (plan.streak >= CONTEST_STREAK) {
      const who = managers.length > 0 ? managers.map((m) => `"${m}"`).join(', ') : 'another writer';
      const seconds = Math.ceil(delay / 1000);
      const fresh = state.contest === undefined || state.contest.managers.join() !== managers.join();
      state.contest = {
        object,
        managers,
        heals: plan.streak,
        nextInMs: delay,
        message:
          `${object}: changed back by field manager ${who} after ${plan.streak} re-applies in a row; ` +
          `self-heal backs off (next re-apply in ${seconds}s)`,
      };
      state.unreported ||= fresh;
    } else if (plan.streak === 0) {
      state.contest = undefined;
      state.unreported = false;
    }
    return delay;
  }

  /**
   * A change of GitSync `key`'s object written last by gitseal itself (its own apply seen before the apply's answer
   * updated the record, or an ex-leader's late write): a plain resync settles it, but while a heal streak is on it
   * waits for the next heal the backoff allows. Run at once, it would re-apply early each time the other writer
   * answers in between, doubling the re-applies of a fight.
   */
  ownWrite(key: string, now: number): number {
    const state = this.#states.get(key);
    const { lastAt, streak } = state?.history ?? NO_RESTORES;
    if (state === undefined || lastAt === undefined || now - lastAt >= this.#options.quietMs) return 0;
    const nextAllowed = Math.max(state.pendingUntil, lastAt + backoffDelay(streak, this.#options));
    return Math.max(0, nextAllowed - now);
  }

  /** The current contest of GitSync `key`, if it is being fought over (no longer once the quiet period passed). */
  contestOf(key: string, now: number): Contest | undefined {
    const state = this.#states.get(key);
    if (!state?.contest || state.history.lastAt === undefined) return undefined;
    const quietSince = now - state.history.lastAt;
    if (quietSince >= Math.max(this.#options.quietMs, state.contest.nextInMs * 2)) return undefined;
    return state.contest;
  }

  /** True once per new contest (new object or new managers): record an Event for it. */
  takeUnreported(key: string): boolean {
    const state = this.#states.get(key);
    if (!state?.unreported) return false;
    state.unreported = false;
    return true;
  }

  forget(key: string): void {
    this.#states.delete(key);
  }
}
