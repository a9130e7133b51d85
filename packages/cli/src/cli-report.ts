import { formatManifests } from '@gitseal/manifests';
import { ViewFormat } from './options.js';

/** The version of every `-o json|yaml` shape (docs/cli-output.md); a change that breaks a script bumps it. */
export const REPORT_API_VERSION = 'cli.gitseal.dev/v1alpha1';

/** A value made for JSON and YAML alike: missing fields become null, so every documented field is always there. */
export type ReportValue =
  string | number | boolean | null | readonly ReportValue[] | { readonly [key: string]: ReportValue };

/** `undefined` (a field the cluster did not fill) becomes null; anything else is kept. */
export function orNull<T extends ReportValue>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

/** One document `{apiVersion, kind, …body}` as JSON or YAML, for scripts. */
export function formatReport(kind: string, body: object, format: 'json' | 'yaml'): string {
  return formatManifests([{ apiVersion: REPORT_API_VERSION, kind, ...body }], format);
}

/** json or yaml when the command was given `-o json|yaml`, else undefined (the text view). */
export function reportFormatOf(raw: Record<string, unknown>): 'json' | 'yaml' | undefined {
  const value = raw['output'];
  return value === ViewFormat.Json || value === ViewFormat.Yaml ? value : undefined;
}
