import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Holds secret bytes (plaintext, private keys) so that a stray log line, JSON.stringify or template string
 * prints "[redacted]" instead of the secret. Read the bytes on purpose with reveal().
 */
export class Redacted {
  readonly #bytes: Buffer;

  constructor(bytes: Uint8Array) {
    this.#bytes = Buffer.from(bytes);
  }

  static fromString(value: string): Redacted {
    return new Redacted(Buffer.from(value, 'utf8'));
  }

  reveal(): Buffer {
    return this.#bytes;
  }

  get length(): number {
    return this.#bytes.length;
  }

  equals(other: Redacted): boolean {
    return this.#bytes.equals(other.#bytes);
  }

  /** Overwrites the bytes; the wrapper is useless afterwards. */
  wipe(): void {
    this.#bytes.fill(0);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
