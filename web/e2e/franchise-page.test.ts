import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startDemo, type RunningDemo } from '../../src/cli/commands/demo-command.ts';
import type { FranchiseView } from '../../src/ingest/franchise-view.ts';
import { chromiumUnavailable, launchChromium } from './chromium.ts';

// The page against the real stack: simulator, SQLite store, ingest runtime, HTTP server.
const skip = chromiumUnavailable();
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** An import of a small franchise with the test's fast simulator takes seconds; this is the give-up point. */
const IMPORT_TIMEOUT_MS = 60_000;

describe('the franchise page in Chromium', { skip: skip ?? false }, () => {
  let demo: RunningDemo;
  let browser: Browser;

  /**
   * The demo with round trips of ~40 ms, short backoffs and a roomier simulated Jikan (10/s
   * instead of 3/s), so an import takes seconds. Politeness is the upstream tests' subject, not this file's.
   */
  const fastDemo = async (config: Record<string, number> = {}) => {
    const started = await startDemo({
      port: 0,
      latencyMs: 40,
      jitterMs: 20,
      config: { anilistRatePerMinute: 90, jikanRatePerSecond: 3, jikanRatePerMinute: 60, upstreamBackoffMs: 10, ...config },
      runtime: { retryDelayMs: { discovery: 50, enrichment: 50 } },
    });
    started.simulator.configure({ jikanPerSecond: 10, jikanPerMinute: 600 });
    return started;
  };

  before(async () => {
    demo = await fastDemo();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  /**
   * A page that records what a user would never want: dialogs, script errors, requests that
   * went anywhere but the server (a cover image the CSP stopped never left the browser).
   */
  async function openPage(viewport = DESKTOP, origin = demo.url) {
    const page = await browser.newPage({ viewport });
    const problems = { dialogs: [] as string[], errors: [] as string[], foreign: [] as string[] };
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

  async function franchiseFromApi(id: number, origin = demo.url): Promise<FranchiseView> {
    const response = await fetch(`${origin}/api/anime/${id}/franchise?ingest=false`);
    assert.equal(response.status, 200);
    return (await response.json()) as FranchiseView;
  }

  const optionIds = (page: Page) =>
    page.$$eval('[data-testid=watch-order] [role=option]', (items) => items.map((item) => Number((item as HTMLElement).dataset.id)));

  /** The import has ended and the graph shows the stored franchise. */
  const imported = (page: Page) =>
    page.waitForFunction(
      () => document.querySelector('[data-testid=graph][data-node-ids]') && !document.querySelector('[data-testid=import-progress]'),
      null,
      { timeout: IMPORT_TIMEOUT_MS },
    );

  const graphIds = (page: Page) =>
    page.$eval('[data-testid=graph]', (graph) => ((graph as HTMLElement).dataset.nodeIds ?? '').split(',').filter(Boolean).map(Number));

  test('search, open, watch the import arrive, then the graph and a watch order equal to the API', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const { page, problems } = await openPage();
    await page.goto(`${demo.url}/`, { waitUntil: 'domcontentloaded' });
    await page.fill('#q', 'Attack on Titan');
    await page.check('input[name=remote]');
    await page.click('button[type=submit]');
    const first = page.locator('[data-testid=search-results] a').first();
    await first.waitFor({ timeout: 15_000 });
    assert.equal(await first.getAttribute('href'), '/anime/16498', 'the best match comes first');
    await page.screenshot({ path: `${SCREENSHOTS}search-desktop.png` });

    await first.click();
    const progress = page.locator('[data-testid=import-progress]');
    await progress.waitFor({ timeout: 15_000 });
    // Entries show while the import still runs: wait for most of them, or for the end.
    await page.waitForFunction(
      () =>
        !document.querySelector('[data-testid=import-progress]') ||
        (document.querySelector('[data-testid=import-progress]')?.getAttribute('data-phase') === 'enrichment' &&
          Number(document.querySelector<HTMLElement>('[data-testid=graph]')?.dataset.nodeCount) >= 12),
      null,
      { timeout: IMPORT_TIMEOUT_MS },
    );
    if (await progress.isVisible()) await page.screenshot({ path: `${SCREENSHOTS}importing-desktop.png` });
    await progress.waitFor({ state: 'detached', timeout: IMPORT_TIMEOUT_MS });

    const api = await franchiseFromApi(16498);
    assert.equal(api.members.length, 22);
    await page.waitForFunction(
      (count) => document.querySelector<HTMLElement>('[data-testid=graph]')?.dataset.nodeIds?.split(',').length === count,
      api.members.length,
      { timeout: 10_000 },
    );
    assert.deepEqual((await graphIds(page)).sort(), api.members.map((m) => m.id).sort(), 'the graph has every entry');
    // The recommended order by default, each entry with its role and why it stands there.
    assert.equal(await page.getAttribute('button:text-is("Recommended")', 'aria-pressed'), 'true');
    assert.deepEqual(await optionIds(page), api.watchOrder.recommended.map((e) => e.id), 'recommended order as the API has it');
    const notes = await page.$$eval('[data-testid=watch-order] [role=option] .order-note', (items) => items.map((item) => (item as HTMLElement).innerText));
    assert.deepEqual(
      notes.map((note) => note.replace(/\s+/g, ' ').trim().toLowerCase()),
      api.watchOrder.recommended.map((e) => `${e.role} ${e.reason}`.toLowerCase()),
      'every entry shows its role and reason',
    );
    assert.match(notes.at(-1)!, /^extra\b/i, 'extras come last');
    await page.click('button:text-is("Release")');
    assert.deepEqual(await optionIds(page), api.watchOrder.release, 'release order as the API has it');
    assert.equal(await page.locator('[data-testid=watch-order] .order-note').count(), 0, 'roles belong to the recommended order');
    await page.click('button:text-is("Story")');
    assert.deepEqual(await optionIds(page), api.watchOrder.story, 'story order as the API has it');

    // The keyboard's way in: the list is one tab stop; Home, then down to the second entry, Enter selects it.
    await page.locator('[data-testid=watch-order] [role=option][tabindex="0"]').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const second = api.watchOrder.story[1];
    assert.equal(await page.getAttribute('[data-testid=entry-details]', 'data-id'), String(second));
    assert.equal(await page.getAttribute(`[role=option][data-id="${second}"]`, 'aria-selected'), 'true');

    await page.click('button:text-is("Release")');
    await page.locator(`[role=option][data-id="16498"]`).click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SCREENSHOTS}franchise-desktop.png` });
    await page.setViewportSize(PHONE);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid=graph][data-node-ids]');
    await page.screenshot({ path: `${SCREENSHOTS}franchise-phone.png` });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `nothing wider than a phone (${overflow}px too wide)`);

    assert.deepEqual(problems, { dialogs: [], errors: [], foreign: [] });
    await page.close();
  });

  test('a <script> in a description is shown as text and never runs', async () => {
    demo.simulator.configure({ faults: 'script=1' });
    const { page, problems } = await openPage();
    await page.goto(`${demo.url}/anime/1535`, { waitUntil: 'domcontentloaded' });
    await imported(page);
    const api = await franchiseFromApi(1535);
    assert.ok(api.members.every((m) => m.description?.includes('a description with markup')), 'the hostile descriptions were stored');
    for (const member of api.members) {
      await page.locator(`[role=option][data-id="${member.id}"]`).click();
      const description = page.locator('[data-testid=entry-details] .description');
      assert.match(await description.innerText(), /a description with markup/);
      assert.equal(await description.locator('script, img, i').count(), 0, 'no element came out of the text');
    }
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined);
    assert.deepEqual(problems, { dialogs: [], errors: [], foreign: [] });
    demo.simulator.configure({ faults: '' });
    await page.close();
  });

  test('failed entries are listed, and Retry fetches them once the upstream is back', async () => {
    // Its own demo: without client retries, Jikan's failures are final in seconds.
    const failing = await fastDemo({ upstreamRetries: 0 });
    try {
      failing.simulator.configure({ faults: '504=1@jikan' });
      const { page, problems } = await openPage(DESKTOP, failing.url);
      await page.goto(`${failing.url}/anime/1`, { waitUntil: 'domcontentloaded' });
      const retry = page.locator('button:text-is("Retry the failed entries")');
      await retry.waitFor({ timeout: IMPORT_TIMEOUT_MS });
      assert.match(await page.locator('[data-testid=failures]').innerText(), /Cowboy Bebop[\s\S]*MyAnimeList HTTP 504/);
      await page.screenshot({ path: `${SCREENSHOTS}failures-desktop.png` });

      failing.simulator.configure({ faults: '' });
      await retry.click();
      await page.locator('[data-testid=failures]').waitFor({ state: 'detached', timeout: IMPORT_TIMEOUT_MS });
      await imported(page);
      const api = await franchiseFromApi(1, failing.url);
      assert.ok(api.members.every((m) => m.idMal === null || m.malStatus === 'ok'), 'every MAL entry fetched on retry');
      await page.locator('[role=option][data-id="1"]').click();
      assert.match(await page.locator('[data-testid=entry-details] .facts').innerText(), /MAL SCORE\s+\d\.\d\d/i);
      assert.deepEqual(problems, { dialogs: [], errors: [], foreign: [] });
      await page.close();
    } finally {
      await failing.close();
    }
  });
});

if (skip) test(`browser tests skipped: ${skip}`, { skip }, () => {});
