/*
 * What the browser tests check on every page: nothing a user would never want (dialogs,
 * script errors, requests leaving the server's origin), and a graph drawn wholly inside its
 * panel; and the screenshots in docs/screenshots (shown by docs/web-page.md) they take on request. Test support, not a test file.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

/** The screenshots docs/web-page.md shows, kept in the repository. */
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** Options for startPageStack that make an import take seconds: politeness is the upstream tests' subject. */
export const SPEED = {
  latencyMs: 40,
  jitterMs: 20,
  config: { anilistRatePerMinute: 90, jikanRatePerSecond: 3, jikanRatePerMinute: 60, upstreamBackoffMs: 10 },
  runtime: { retryDelayMs: { discovery: 50, enrichment: 50 } },
} as const;

export interface PageProblems {
  dialogs: string[];
  errors: string[];
  /** Requests to anywhere but the server (a cover the CSP stopped never left the browser). */
  foreign: string[];
}

export async function openPage(browser: Browser, origin: string, viewport: { width: number; height: number }): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport });
  const problems: PageProblems = { dialogs: [], errors: [], foreign: [] };
  page.on('dialog', (dialog) => {
    problems.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.errors.push(error.message));
  page.on('requestfinished', (request) => {
    if (!request.url().startsWith(origin)) problems.foreign.push(request.url());
  });
  page.on('requestfailed', (request) => {
    if (!request.url().startsWith(origin) && request.failure()?.errorText !== 'csp') problems.foreign.push(request.url());
  });
  return { page, problems };
}

/** Every box and label of the graph is drawn inside its canvas, at a zoom a person can read. */
export async function graphFitsItsPanel(page: Page, minZoom = 0.8): Promise<void> {
  // The drawing settles a frame after the canvas is sized.
  await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid=graph]')?.dataset.drawn, null, { timeout: 10_000 });
  const { drawn, zoom, width, height } = await page.$eval('[data-testid=graph]', (graph) => ({
    drawn: ((graph as HTMLElement).dataset.drawn ?? '').split(',').map(Number),
    zoom: Number((graph as HTMLElement).dataset.zoom),
    width: graph.clientWidth,
    height: graph.clientHeight,
  }));
  const [x1, y1, x2, y2] = drawn as [number, number, number, number];
  assert.ok(x1 >= 0 && y1 >= 0 && x2 <= width && y2 <= height, `the graph (${drawn.join(',')}) lies inside its ${width} x ${height} panel`);
  assert.ok(zoom >= minZoom, `zoom ${zoom} is readable`);
}

/** Waits until the page has rendered twice: what an answer it just received changes is on screen by then. */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/**
 * Saves the page as it is now as the README screenshot `name` (docs/screenshots/), only when
 * UPDATE_SCREENSHOTS=1: those files are tracked, so an ordinary run (CI's too) must leave
 * them alone. Refresh them with `UPDATE_SCREENSHOTS=1 npm test -- web/e2e` and commit.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}` });
}
