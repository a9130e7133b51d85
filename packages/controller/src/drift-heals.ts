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

/** One applied object's heals: how many in a row another writer answered, and when its next one may run. */
interface ObjectHeals {
  history: RestoreHistory;
  /** Its drift is scheduled to be healed at this time: more drift of it meanwhile joins that heal. */
  pendingUntil: number;
}

interface HealState {
  readonly objects: Map<string, ObjectHeals>;
  /** The GitSync's next scheduled heal (the soonest any of its objects asked for). */
  pendingUntil: number;
  contest: Contest | undefined;
  /** The contest was not yet reported by an Event. */
  unreported: boolean;
}

/** Objects remembered per GitSync; the oldest is forgotten past this (it then counts as never fought). */
const MAX_OBJECTS = 1_000;

/**
 * Self-heal pacing per applied object: the first drift of an object is healed at once; drift that answers our last
 * re-apply of that object within the quiet period waits 1 s, doubling up to 5 min (restore-backoff), so two writers
 * fighting over a field settle at one re-apply per 5 min instead of a hot loop, while other objects of the same
 * GitSync drifting meanwhile are still healed at once. From {@link CONTEST_STREAK} answered re-applies of one object
 * the GitSync is marked contested, naming the object and the other field managers.
 */
export class DriftHeals {
  readonly #states = new Map<string, HealState>();
  readonly #options: RestoreBackoffOptions;

  constructor(options: RestoreBackoffOptions = RESTORE_BACKOFF) {
    this.#options = options;
  }

  /**
   * Drift of `object` seen at `now` for GitSync `key`: the delay before its heal. Drift of an object whose heal is
   * already scheduled joins it (the same due time, its streak unchanged); the delay is still returned, because the
   * work queue drops a delayed key when an earlier run of it starts (an own write seen early, a spec change), and a
   * run that came before this drift has not healed it.
   */
  drift(key: string, object: string, managers: readonly string[], now: number): number {
    const state = this.#stateOf(key);
    const heals = state.objects.get(object) ?? { history: NO_RESTORES, pendingUntil: 0 };
    state.objects.delete(object);
    state.objects.set(object, heals);
    if (state.objects.size > MAX_OBJECTS) state.objects.delete(state.objects.keys().next().value as string);
    if (heals.pendingUntil <= now) {
      const plan = planRestore(heals.history, now, this.#options);
      heals.history = { streak: plan.streak, lastAt: plan.notBefore };
      heals.pendingUntil = plan.notBefore;
      this.#judge(state, object, managers, plan.streak, plan.notBefore - now);
    }
    state.pendingUntil =
      state.pendingUntil > now ? Math.min(state.pendingUntil, heals.pendingUntil) : heals.pendingUntil;
    return Math.max(0, state.pendingUntil - now);
  }

  /**
   * A change of GitSync `key`'s `object` written last by gitseal itself (its own apply seen before the apply's
   * answer updated the record, or an ex-leader's late write): a plain resync settles it, but while that object's heal
   * streak is on it waits for the next heal the backoff allows. Run at once, it would re-apply early each time the
   * other writer answers in between, doubling the re-applies of a fight.
   */
  ownWrite(key: string, object: string, now: number): number {
    const heals = this.#states.get(key)?.objects.get(object);
    const { lastAt, streak } = heals?.history ?? NO_RESTORES;
    if (heals === undefined || lastAt === undefined || now - lastAt >= this.#options.quietMs) return 0;
    const nextAllowed = Math.max(heals.pendingUntil, lastAt + backoffDelay(streak, this.#options));
    return Math.max(0, nextAllowed - now);
  }

  /** The current contest of GitSync `key`, if it is being fought over (no longer once the quiet period passed). */
  contestOf(key: string, now: number): Contest | undefined {
    const state = this.#states.get(key);
    const lastAt = state?.contest ? state.objects.get(state.contest.object)?.history.lastAt : undefined;
    if (!state?.contest || lastAt === undefined) return undefined;
    const quietSince = now - lastAt;
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

  #stateOf(key: string): HealState {
    let state = this.#states.get(key);
    if (!state) {
      state = { objects: new Map(), pendingUntil: 0, contest: undefined, unreported: false };
      this.#states.set(key, state);
    }
    return state;
  }

  /** Marks the GitSync contested once an object's streak reaches CONTEST_STREAK; an object at peace again ends it. */
  #judge(state: HealState, object: string, managers: readonly string[], streak: number, delay: number): void {
    if (streak >= CONTEST_STREAK) {
      const who = managers.length > 0 ? managers.map((m) => `"${m}"`).join(', ') : 'another writer';
      const seconds = Math.ceil(delay / 1000);
      const fresh =
        state.contest === undefined ||
        state.contest.object !== object ||
        state.contest.managers.join() !== managers.join();
      state.contest = {
        object,
        managers,
        heals: streak,
        nextInMs: delay,
        message:
          `${object}: changed back by field manager ${who} after ${streak} re-applies in a row; ` +
          `self-heal backs off (next re-apply in ${seconds}s)`,
      };
      state.unreported ||= fresh;
    } else if (streak === 0 && state.contest?.object === object) {
      state.contest = undefined;
      state.unreported = false;
    }
  }
}
