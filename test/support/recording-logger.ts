/** A logger that keeps every line as JSON text, so tests can scan what would have been logged. */
export function recordingLogger(): {
  lines: string[];
  warn(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
} {
  const lines: string[] = [];
  const record = (level: string) => (fields: Record<string, unknown>, message: string) =>
    void lines.push(JSON.stringify({ level, ...fields, msg: message }));
  return { lines, warn: record('warn'), debug: record('debug') };
}
