import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import type { FranchiseView } from '../../src/ingest/franchise-view.ts';
import type { JobView } from '../../src/ingest/ingest-service.ts';
import { FINAL_STATUSES } from '../../src/ingest/progress-event.ts';
import { startPageStack, type PageStack } from '../../test/support/page-stack.ts';
import { chromiumUnavailable, launchChromium } from './chromium.ts';
import { graphFitsItsPanel, openPage, saveScreenshot, SPEED } from '../../test/support/browser-page.ts';

// The page against the real stack: simulator (with a loopback cover host in front), SQLite
// store, ingest runtime, HTTP server; a fresh store every time.
const skip = chromiumUnavailable();
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** An import of a small franchise with the test's fast simulator takes seconds; this is the give-up point. */
const IMPORT_TIMEOUT_MS = 60_000;

describe('the franchise page in Chromium', { skip: skip ?? false }, () => {
  let stack: PageStack;
  let browser: Browser;

  before(async () => {
    stack = await startPageStack(SPEED);
    stack.simulator.configure({ jikanPerSecond: 10, jikanPerMinute: 600 });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function franchiseFromApi(id: number, origin = stack.url): Promise<FranchiseView> {
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

  async function jobEnded(jobId: string): Promise<void> {
    for (;;) {
      const { job } = (await (await fetch(`${stack.url}/api/jobs/${encodeURIComponent(jobId)}`)).json()) as { job: JobView };
      if (FINAL_STATUSES.has(job.status)) return;
      await delay(100);
    }
  }

  const graphIds = (page: Page) =>
    page.$eval('[data-testid=graph]', (graph) => ((graph as HTMLElement).dataset.nodeIds ?? '').split(',').filter(Boolean).map(Number));

  test('type the title, press Enter: Attack on Titan opens and imports, Cancel shows, covers load from the page, a reload shows it again', async () => {
    const { page, problems } = await openPage(browser, stack.url, DESKTOP);
    await page.goto(`${stack.url}/`, { waitUntil: 'domcontentloaded' });
    await page.fill('#q', 'Attack on Titan');
    // As it is typed, the search finds it on AniList by itself (the store is empty), best match first.
    const best = page.locator('[data-testid=search-results] a').first();
    await best.waitFor({ timeout: 15_000 });
    assert.equal(await best.getAttribute('href'), '/anime/16498');
    assert.equal(await best.getAttribute('data-source'), 'anilist');
    assert.match(await page.locator('[data-testid=search-status]').innerText(), /on AniList/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=search-results] [data-cover-state=loaded]').length > 0, null, { timeout: 15_000 });
    await saveScreenshot(page, 'search-desktop.png');

    await page.press('#q', 'Enter');
    await page.waitForURL(/\/anime\/16498$/, { timeout: 15_000 });
    const cancel = page.locator('[data-testid=cancel-import]');
    await cancel.waitFor({ timeout: 15_000 });
    assert.ok(await cancel.isVisible(), 'a Cancel control while it imports');
    assert.match(await page.locator('[data-testid=did-you-mean]').innerText(), /Did you mean .*Attack on Titan/);
    // Entries show while the import still runs: wait for most of them, or for the end.
    await page.waitForFunction(
      () =>
        !document.querySelector('[data-testid=import-progress]') ||
        (document.querySelector('[data-testid=import-progress]')?.getAttribute('data-phase') === 'enrichment' &&
          Number(document.querySelector<HTMLElement>('[data-testid=graph]')?.dataset.nodeIds?.split(',').length) >= 12),
      null,
      { timeout: IMPORT_TIMEOUT_MS },
    );
    if (await page.locator('[data-testid=import-progress]').isVisible()) await saveScreenshot(page, 'importing-desktop.png');
    await imported(page);

    const api = await franchiseFromApi(16498);
    assert.equal(api.members.length, 22);
    await page.waitForFunction((count) => document.querySelector<HTMLElement>('[data-testid=graph]')?.dataset.nodeIds?.split(',').length === count, api.members.length, {
      timeout: 10_000,
    });
    assert.deepEqual((await graphIds(page)).sort(), api.members.map((m) => m.id).sort(), 'the graph has every entry');
    await graphFitsItsPanel(page);
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

    // Covers come from the page's own origin, through the cover proxy.
    await page.waitForFunction(() => document.querySelectorAll('img.cover-img.loaded').length >= 10, null, { timeout: 30_000 });
    const sources = await page.$$eval('img.cover-img.loaded', (images) => images.map((image) => (image as HTMLImageElement).currentSrc));
    assert.ok(sources.length >= 10, `${sources.length} covers loaded`);
    for (const source of sources) assert.ok(source.startsWith(`${stack.url}/api/anime/`), `${source} is the page's own origin`);

    // The keyboard's way in through the list: Home, then down to the second entry, Enter selects it.
    await page.locator('[data-testid=watch-order] [role=option][tabindex="0"]').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const second = api.watchOrder.story[1];
    assert.equal(await page.getAttribute('[data-testid=entry-details]', 'data-id'), String(second));

    await page.click('button:text-is("Release")');
    await page.locator(`[role=option][data-id="16498"]`).click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, 'franchise-desktop.png');

    // The franchise's address, reloaded, shows it again: stored now, nothing to import.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid=graph][data-node-ids]');
    assert.equal(await page.locator('[data-testid=import-progress]').count(), 0);
    assert.deepEqual((await graphIds(page)).sort(), api.members.map((m) => m.id).sort());

    await page.setViewportSize(PHONE);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid=graph][data-node-ids]');
    await graphFitsItsPanel(page);
    await page.waitForFunction(() => document.querySelectorAll('img.cover-img.loaded').length >= 1, null, { timeout: 15_000 });
    await saveScreenshot(page, 'franchise-phone.png');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `nothing wider than a phone (${overflow}px too wide)`);

    assert.deepEqual(problems, { dialogs: [], errors: [], foreign: [] });
    await page.close();
  });

  test('search with no token configured (the demo): stored matches show first, AniList joins by itself only when none matches well or when asked, and no token is sent', async () => {
    const started = await fetch(`${stack.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '16498' }) });
    assert.equal(started.status, 202);
    await jobEnded(((await started.json()) as { job: JobView }).job.id);
    const { page, problems } = await openPage(browser, stack.url, DESKTOP);
    const remote: [string | null, number, string | undefined][] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname === '/api/search' && url.searchParams.get('remote') === 'true') remote.push([url.searchParams.get('q'), response.status(), response.request().headers().authorization]);
    });
    await page.goto(`${stack.url}/`, { waitUntil: 'domcontentloaded' });
    const status = page.locator('[data-testid=search-status]');
    const first = page.locator('[data-testid=search-results] a').first();

    // "itan" sits inside Titan, it is no word of it: the stored entries show, then AniList is asked.
    await page.fill('#q', 'itan');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=search-status]')?.textContent === 'Asking AniList…' && document.querySelector('[data-testid=search-results] a[data-source=store]'),
      null,
      { timeout: 15_000 },
    );
    await status.filter({ hasText: /in the store and on AniList\.$/ }).waitFor({ timeout: 15_000 });
    // Nothing stored: AniList's answer alone.
    await page.fill('#q', 'Trigun');
    await page.waitForFunction(() => document.querySelector('[data-testid=search-results] a')?.getAttribute('href') === '/anime/6', null, { timeout: 15_000 });
    assert.match(await status.innerText(), /on AniList\.$/);
    assert.equal(await first.getAttribute('data-source'), 'anilist');
    // A title the store matches well spares AniList, which stays one click away.
    await page.fill('#q', 'Titan');
    await status.filter({ hasText: /in the store\.$/ }).waitFor({ timeout: 15_000 });
    assert.equal(await first.getAttribute('data-source'), 'store');
    assert.deepEqual(remote.map(([q]) => q), ['itan', 'Trigun'], 'AniList was not asked for Titan');
    await page.click('button:text-is("Also search AniList")');
    await status.filter({ hasText: /in the store and on AniList\.$/ }).waitFor({ timeout: 15_000 });
    assert.deepEqual(remote, [
      ['itan', 200, undefined],
      ['Trigun', 200, undefined],
      ['Titan', 200, undefined],
    ]);
    assert.deepEqual(problems, { dialogs: [], errors: [], foreign: [] });
    await page.close();
  });

  test('an import that ended and whose event history is gone before the page streamed it: the end the server reads from the job record ends it on the page', async () => {
    const { page, problems } = await openPage(browser, stack.url, DESKTOP);
    const streams: string[] = [];
    const polls: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (/^\/api\/jobs\/[^/]+\/events$/.test(path)) streams.push(path);
      else if (/^\/api\/jobs\/[^/]+$/.test(path)) polls.push(path);
    });
    // The stream is held until the job has ended and the bus has forgotten it (retention, a
    // restart): the server then answers the final state from the job record.
    await page.route('**/api/jobs/*/events*', async (route) => {
      const jobId = decodeURIComponent(/\/api\/jobs\/([^/]+)\/events/.exec(route.request().url())![1]!);
      await jobEnded(jobId);
      await stack.runtime.bus.forget([jobId]);
      await route.continue();
    });
    await page.goto(`${stack.url}/anime/1`, { waitUntil: 'domcontentloaded' });
    await imported(page);
    assert.equal(await page.locator('[data-testid=franchise]').getAttribute('data-franchise-id'), '1');
    assert.equal(streams.length, 1, 'the one stream ended it: no reconnect');
    assert.deepEqual(polls, [], 'no polling had to stand in');
    assert.deepEqual(problems, { dialogs: [], errors: [], foreign: [] });
    await page.close();
  });

  test('a <script> in a description is shown as text and never runs', async () => {
    stack.simulator.configure({ faults: 'script=1' });
    const { page, problems } = await openPage(browser, stack.url, DESKTOP);
    await page.goto(`${stack.url}/anime/1535`, { waitUntil: 'domcontentloaded' });
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
    stack.simulator.configure({ faults: '' });
    await page.close();
  });

  test('failed entries are listed, and Retry fetches them once the upstream is back', async () => {
    // Its own stack: without client retries, Jikan's failures are final in seconds.
    const failing = await startPageStack({ ...SPEED, config: { ...SPEED.config, upstreamRetries: 0 } });
    try {
      failing.simulator.configure({ faults: '504=1@jikan', jikanPerSecond: 10, jikanPerMinute: 600 });
      const { page, problems } = await openPage(browser, failing.url, DESKTOP);
      await page.goto(`${failing.url}/anime/1`, { waitUntil: 'domcontentloaded' });
      const retry = page.locator('button:text-is("Retry the failed entries")');
      await retry.waitFor({ timeout: IMPORT_TIMEOUT_MS });
      assert.match(await page.locator('[data-testid=failures]').innerText(), /Cowboy Bebop[\s\S]*MyAnimeList HTTP 504/);
      await saveScreenshot(page, 'failures-desktop.png');

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
