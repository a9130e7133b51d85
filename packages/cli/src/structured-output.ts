import { Option } from 'commander';
import { formatManifests } from '@gitseal/manifests';
import { OutputFormat, parseFormat } from './options.js';

/** `-o, --output json|yaml`: a stable shape for scripts instead of the table (the table when absent). */
export function structuredOutputOption(): Option {
  return new Option('-o, --output <format>', 'print json or yaml instead of the table').argParser(parseFormat);
}

/** The `--output` a command was given, if any. */
export function structuredFormat(raw: Record<string, unknown>): OutputFormat | undefined {
  const value = raw['output'];
  return value === OutputFormat.Json || value === OutputFormat.Yaml ? value : undefined;
}

/** One document in `format`: 2-space JSON or YAML, each ending with a newline. */
export function renderStructured(value: object, format: OutputFormat): string {
  return formatManifests([value], format);
}
