/** `T` with its possibly-undefined fields made optional and never undefined (what JSON and YAML output hold). */
export type DefinedFields<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * `value` without its undefined fields. Objects for the API server and for Git are built with this (or conditional
 * spreads): a key that is absent is not a key that holds undefined, to a merge patch, a canonical digest or YAML.
 */
export function definedFields<T extends object>(value: T): DefinedFields<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as DefinedFields<T>;
}
