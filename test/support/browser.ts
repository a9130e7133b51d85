import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { isCI } from './shared-control-plane.js';

/** Debian's Chromium (apt-get install chromium; .ci/run installs it). */
export const CHROMIUM_PATH = process.env.GITSEAL_CHROMIUM ?? '/usr/bin/chromium';

/** What Debian's Chromium needs to run headless as root in a container, quietly and without phoning home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts Chromium with a fresh profile (its own --user-data-dir), driven by playwright-core. Without the binary the
 * test is skipped, except under CI=true where that is a failure.
 */
export async function launchChromium(
  t: TestContext,
  viewport = { width: 1280, height: 800 },
): Promise<TestBrowser | undefined> {
  if (!existsSync(CHROMIUM_PATH)) {
    const why = `${CHROMIUM_PATH} not found (apt-get install chromium)`;
    if (isCI()) throw new Error(`browser tests need Chromium: ${why}`);
    t.skip(`browser tests skipped: ${why}`);
    return undefined;
  }
  const profile = mkdtempSync(join(tmpdir(), 'gitseal-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Records everything the server sends a page: each response body (text), and each server-sent-events message (which
 * a response body would only hold once its stream ends). For scanning a whole walk for plaintext.
 */
export class TrafficRecorder {
  readonly bodies: string[] = [];
  readonly events: string[] = [];
  readonly urls: string[] = [];
  readonly #pending: Promise<void>[] = [];

  private constructor() {}

  static async attach(page: Page): Promise<TrafficRecorder> {
    const recorder = new TrafficRecorder();
    const cdp: CDPSession = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    cdp.on('Network.eventSourceMessageReceived', (event) => recorder.events.push(event.data));
    page.on('response', (response) => {
      recorder.urls.push(response.url());
      if ((response.headers()['content-type'] ?? '').startsWith('text/event-stream')) return;
      recorder.#pending.push(
        response.text().then(
          (text) => void recorder.bodies.push(text),
          () => undefined,
        ),
      );
    });
    return recorder;
  }

  /** Every body and message seen so far, once the bodies still being read are in. */
  async everything(): Promise<string> {
    await Promise.all(this.#pending);
    return [...this.bodies, ...this.events].join('\n');
  }
}
