import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import type { Page } from 'playwright-core';
import { TrafficRecorder, type TestBrowser } from './browser.js';
import type { GitsealUiProcess } from './browser-ui-server.js';
import { fileURLToPath } from 'node:url';

/**
 * A browser test file's shared state: one Chromium, the `gitseal ui` processes it started and a traffic recorder
 * on every page, for the plaintext scan at the end. All of it is closed after the file's tests.
 */
export class BrowserSession {
  browser: TestBrowser | undefined;
  readonly uis: GitsealUiProcess[] = [];
  readonly recorders: TrafficRecorder[] = [];

  constructor() {
    after(async () => {
      await this.browser?.close();
      await Promise.all(this.uis.map((ui) => ui.stop()));
    });
  }

  /** A new page of the shared browser whose traffic is recorded. */
  async recordedPage(): Promise<Page> {
    if (!this.browser) throw new Error('the browser is not started');
    const page = await this.browser.context.newPage();
    this.recorders.push(await TrafficRecorder.attach(page));
    return page;
  }
}

/** With GITSEAL_UI_SCREENSHOTS=1, a full-page screenshot to docs/images/ui-NAME.png (shown in the README and docs). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.GITSEAL_UI_SCREENSHOTS !== '1') return;
  const images = fileURLToPath(new URL('../../../docs/images/', import.meta.url));
  mkdirSync(images, { recursive: true });
  await page.screenshot({ path: join(images, `ui-${name}.png`), fullPage: true });
}
