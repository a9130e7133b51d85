import { TemplateError, type Operand, type Pipeline, type TemplateNode } from './go-template-parse.js';
import { DataMap, isTrue, printValue, typeName, type Value } from './go-template-values.js';
import { lookupFunction, type Budget } from './sprig-functions.js';

export interface ExecLimits {
  /** Largest output (and any string made on the way), in UTF-16 units. */
  readonly maxOutput: number;
  /** Commands and function calls one run may evaluate. */
  readonly maxSteps: number;
}

/**
 * Characters that function calls may take in, shared by the runs it is given to (all items of one object), so
 * that many calls over large values cannot hold the event loop.
 */
export class WorkBudget {
  #left: number;
  constructor(readonly maxWork: number) {
    this.#left = maxWork;
  }

  spend(characters: number, column: number): void {
    this.#left -= characters;
    if (this.#left < 0) throw new TemplateError(`column ${column}: more than ${this.maxWork} characters of work`);
  }
}

/** Characters in a value: strings by length, lists by their elements (and one per element). */
function sizeOf(v: Value): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return (v as readonly Value[]).reduce<number>((n, x) => n + 1 + sizeOf(x), 0);
  return 1;
}

class Run implements Budget {
  #steps = 0;
  constructor(
    readonly data: DataMap,
    readonly limits: ExecLimits,
    readonly work: WorkBudget,
  ) {}

  step(column: number): void {
    if (++this.#steps > this.limits.maxSteps) {
      throw new TemplateError(`column ${column}: more than ${this.limits.maxSteps} steps`);
    }
  }

  checkSize(length: number): void {
    if (length > this.limits.maxOutput) {
      throw new TemplateError(`output larger than ${this.limits.maxOutput} characters`);
    }
  }
}

function field(run: Run, names: readonly string[], column: number): Value {
  let current: Value = run.data;
  for (const name of names) {
    if (current instanceof DataMap) {
      // Go: a missing map key is the invalid value (printed `<no value>`), not an error.
      current = current.entries.get(name);
    } else {
      throw new TemplateError(`column ${column}: can't evaluate field ${name} in type ${typeName(current)}`);
    }
  }
  return current;
}

function operand(run: Run, op: Operand, column: number): Value {
  switch (op.kind) {
    case 'dot':
      return run.data;
    case 'field':
      return field(run, op.names, column);
    case 'string':
    case 'number':
    case 'bool':
      return op.value;
    case 'nil':
      return null;
    case 'pipeline':
      return pipeline(run, op.pipeline);
    case 'function':
      return call(run, op.name, [], column);
  }
}

function call(run: Run, name: string, args: Value[], column: number): Value {
  run.step(column);
  const fn = lookupFunction(name);
  if ('refused' in fn) throw new TemplateError(`column ${column}: function "${name}" ${fn.refused}`);
  // What a call takes in bounds what it makes (functions that grow their input check their own result size).
  const input = args.reduce<number>((n, a) => n + sizeOf(a), 0);
  run.checkSize(input);
  run.work.spend(input, column);
  const result = fn.call(args, run, column);
  if (typeof result === 'string') run.checkSize(result.length);
  // A function that returns a nil interface gives Go's invalid value: printed `<no value>`, not `<nil>`.
  return result === null ? undefined : result;
}

function pipeline(run: Run, commands: Pipeline): Value {
  let last: Value | typeof NONE = NONE;
  for (const command of commands) {
    run.step(command.column);
    const [head, ...rest] = command.args;
    if (head?.kind === 'function') {
      const args = rest.map((a) => operand(run, a, command.column));
      if (last !== NONE) args.push(last);
      last = call(run, head.name, args, command.column);
      continue;
    }
    if (rest.length > 0 || last !== NONE || !head) {
      throw new TemplateError(`column ${command.column}: can't give argument to non-function`);
    }
    if (head.kind === 'nil') throw new TemplateError(`column ${command.column}: nil is not a command`);
    last = operand(run, head, command.column);
  }
  return last === NONE ? undefined : last;
}

const NONE = Symbol('none');

function nodes(run: Run, list: readonly TemplateNode[], out: string[], size: { n: number }): void {
  for (const node of list) {
    let text: string;
    if (node.kind === 'text') {
      text = node.text;
    } else if (node.kind === 'action') {
      text = printValue(pipeline(run, node.pipeline));
    } else {
      nodes(run, isTrue(pipeline(run, node.pipeline)) ? node.then : node.otherwise, out, size);
      continue;
    }
    size.n += text.length;
    run.checkSize(size.n);
    out.push(text);
  }
}

/** Runs a parsed template over the data (item name → plaintext string). Bounded by `limits` and `work`. */
export function execTemplate(
  tree: readonly TemplateNode[],
  data: ReadonlyMap<string, string>,
  limits: ExecLimits,
  work: WorkBudget = new WorkBudget(64 * limits.maxOutput),
): string {
  const run = new Run(new DataMap(data), limits, work);
  const out: string[] = [];
  nodes(run, tree, out, { n: 0 });
  return out.join('');
}
