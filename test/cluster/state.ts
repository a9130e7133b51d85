import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RecordedProcess {
  name: string;
  pid: number;
  binary: string;
}

/** DIR/state.json: what `cluster down` (or a curious human) needs to find a running control plane. */
export interface ControlPlaneState {
  server: string;
  kubeconfigPath: string;
  userKubeconfigPath: string;
  etcdDataDir: string;
  processes: RecordedProcess[];
  startedAt: string;
}

export function statePath(dir: string): string {
  return join(dir, 'state.json');
}

export async function writeState(dir: string, state: ControlPlaneState): Promise<void> {
  await writeFile(statePath(dir), JSON.stringify(state, null, 2) + '\n');
}

/** The recorded state, or undefined when there is none (never started, or already down). */
export function readState(dir: string): ControlPlaneState | undefined {
  let text: string;
  try {
    text = readFileSync(statePath(dir), 'utf8');
  } catch {
    return undefined;
  }
  return JSON.parse(text) as ControlPlaneState;
}
