export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** A kstatus-compatible condition, shaped like `metav1.Condition`. */
export interface Condition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration?: number;
  /** RFC 3339, seconds precision: when `status` last changed. */
  readonly lastTransitionTime: string;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/** Formats a time the way `metav1.Time` does (`2006-01-02T15:04:05Z`). */
export function formatKubeTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === ConditionStatus.True;
}

/** Longest condition message kept: a status is no place for an unbounded string (metav1.Condition allows 32768). */
export const MAX_CONDITION_MESSAGE_LENGTH = 1024;

function boundedMessage(message: string): string {
  const chars = [...message];
  return chars.length > MAX_CONDITION_MESSAGE_LENGTH
    ? `${chars.slice(0, MAX_CONDITION_MESSAGE_LENGTH - 1).join('')}…`
    : message;
}

/**
 * Returns a new list with the condition of `input.type` set (added at the end, or replaced in place).
 * `lastTransitionTime` is kept while the status is unchanged and set to `now` when it changes. The message is
 * cut to {@link MAX_CONDITION_MESSAGE_LENGTH} characters.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  now: Date = new Date(),
): Condition[] {
  const list = conditions ?? [];
  const existing = findCondition(list, input.type);
  const lastTransitionTime =
    existing !== undefined && existing.status === input.status ? existing.lastTransitionTime : formatKubeTime(now);
  const next: Condition = {
    type: input.type,
    status: input.status,
    reason: input.reason,
    message: boundedMessage(input.message),
    ...(input.observedGeneration === undefined ? {} : { observedGeneration: input.observedGeneration }),
    lastTransitionTime,
  };
  if (existing === undefined) return [...list, next];
  return list.map((condition) => (condition.type === input.type ? next : condition));
}

/** Returns a new list without the condition of `type`. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((condition) => condition.type !== type);
}
