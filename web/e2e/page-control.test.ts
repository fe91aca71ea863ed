import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Request } from 'playwright-core';
import type { JobView } from '../../src/ingest/ingest-service.ts';
import { graphFitsItsPanel, nextFrames, openPage, saveScreenshot, SPEED } from '../../test/support/browser-page.ts';
import { startPageStack, type PageStack } from '../../test/support/page-stack.ts';
import { chromiumUnavailable, launchChromium } from './chromium.ts';

// Control from the page, against a server with TSUNAGU_API_TOKEN set: the token asked for on
// a 401 and kept for the tab, an import cancelled, remote search under the server's own token
// and per-client limit; and a graph that fits, folds and is walked with the keyboard (Gundam,
// 143 entries).
const skip = chromiumUnavailable();
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const TOKEN = 'page-test-token-42';

describe('control and the graph in Chromium', { skip: skip ?? false }, () => {
  let stack: PageStack;
  /** Remote search's own server: the same token, one request that spends upstream budget per client per minute. */
  let searchStack: PageStack;
  let browser: Browser;

  before(async () => {
    // Limits raised together on both sides, so Gundam's MAL entries take seconds.
    stack = await startPageStack({ ...SPEED, config: { ...SPEED.config, apiToken: TOKEN, upstreamRateScale: 20 } });
    stack.simulator.configure({ jikanPerSecond: 200, jikanPerMinute: 10_000, anilistRatePerMinute: 10_000 });
    searchStack = await startPageStack({ config: { apiToken: TOKEN, ingestRatePerMinute: 1 } });
    // This client's one remote search of the minute, spent now: the minute runs while the
    // tests before the search test do, so its 429 frees sooner (the test is last for that).
    const spent = await fetch(`${searchStack.url}/api/search?q=Trigun&remote=true`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(spent.status, 200);
    assert.equal(((await spent.json()) as { remote?: { ok: boolean } }).remote?.ok, true);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
    await searchStack?.close();
  });

  test('a 401 asks for the token; a wrong one is refused, the right one imports; the token goes only on writes; Cancel stops it', async () => {
    const { page, problems } = await openPage(browser, stack.url, DESKTOP);
    const sent: Request[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/')) sent.push(request);
    });
    // Slow enough that the import is still running when Cancel is pressed.
    stack.simulator.configure({ latencyMs: 700 });
    try {
      await page.goto(`${stack.url}/anime/5081`, { waitUntil: 'domcontentloaded' });
      const form = page.locator('[data-testid=token-form]');
      await form.waitFor({ timeout: 15_000 });
      await form.locator('input[name=token]').fill('not-the-token');
      await form.locator('button[type=submit]').click();
      await page.locator('[data-testid=token-form] h2:text("was not accepted")').waitFor({ timeout: 10_000 });
      await page.locator('[data-testid=token-form] input[name=token]').fill(TOKEN);
      await page.locator('[data-testid=token-form] button[type=submit]').click();

      const cancel = page.locator('[data-testid=cancel-import]');
      await cancel.waitFor({ timeout: 15_000 });
      assert.equal(await page.evaluate(() => sessionStorage.getItem('tsunagu.apiToken')), TOKEN, 'kept for this tab');
      // The server's answer to the cancel is held until the page has shown the end the event
      // stream announced: a local cancel answers `running` (the job is still ending), and that
      // older answer arriving last must not bring the running import back.
      const cancelled = page.locator('[data-testid=import-cancelled]');
      await page.route('**/api/jobs/*/cancel', async (route) => {
        const response = await route.fetch();
        await cancelled.waitFor({ timeout: 15_000 }).catch(() => {});
        await route.fulfill({ response });
      });
      const answered = page.waitForResponse((response) => /\/cancel$/.test(response.url()), { timeout: 30_000 });
      await cancel.click();
      await cancelled.waitFor({ timeout: 15_000 });
      await (await answered).finished();
      await nextFrames(page);
      assert.ok(await cancelled.isVisible(), 'still cancelled after the answer to the cancel arrived');
      assert.equal(await page.locator('[data-testid=cancel-import]').count(), 0, 'no import shown as running again');
    } finally {
      stack.simulator.configure({ latencyMs: SPEED.latencyMs });
    }
    const cancelCall = sent.find((r) => r.method() === 'POST' && /\/cancel$/.test(r.url()))!;
    assert.equal(cancelCall.headers().authorization, `Bearer ${TOKEN}`, 'the cancel carried the token');
    const job = (await (await cancelCall.response())!.json()) as { job: JobView };
    const final = (await (await fetch(`${stack.url}/api/jobs/${job.job.id}`)).json()) as { job: JobView };
    assert.equal(final.job.status, 'cancelled');
    const reads = sent.filter((r) => r.method() === 'GET' && /ingest=false|\/api\/jobs\//.test(r.url()));
    assert.ok(reads.length > 0);
    assert.ok(reads.every((r) => r.headers().authorization === undefined), 'plain reads carry no token');

    // A reload keeps the tab's token: the page opens without asking, and can forget it.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid=graph][data-node-ids]', { timeout: 15_000 });
    assert.equal(await page.locator('[data-testid=token-form]').count(), 0);
    await page.click('.token-status button');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('tsunagu.apiToken')), null);
    assert.deepEqual(problems, { dialogs: [], errors: [], foreign: [] });
    await page.close();
  });

  test('Gundam: the graph fits while entries arrive and after, folds its continuities, and the keyboard walks and unfolds it', async () => {
    const { page, problems } = await openPage(browser, stack.url, DESKTOP);
    await page.goto(`${stack.url}/`, { waitUntil: 'domcontentloaded' });
    await page.evaluate((token) => sessionStorage.setItem('tsunagu.apiToken', token), TOKEN);
    await page.goto(`${stack.url}/anime/80`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid=graph]')?.dataset.nodeIds?.split(',').length) >= 20, null, { timeout: 60_000 });
    await graphFitsItsPanel(page);
    await page.waitForFunction(() => document.querySelector('[data-testid=graph][data-node-ids]') && !document.querySelector('[data-testid=import-progress]'), null, { timeout: 120_000 });
    const api = await fetch(`${stack.url}/api/anime/80/franchise?ingest=false`);
    assert.equal(api.status, 200);
    const size = ((await api.json()) as { members: unknown[] }).members.length;
    await page.waitForFunction((count) => document.querySelector<HTMLElement>('[data-testid=graph]')?.dataset.nodeIds?.split(',').length === count, size, { timeout: 10_000 });
    await graphFitsItsPanel(page);
    assert.equal(await page.getAttribute('[data-testid=graph]', 'data-fold'), 'all', 'every continuity folded to fit 1280 x 800 readably');
    await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, 'gundam-desktop.png');

    // Tab into the graph: the focus starts on the box holding the entry the page opened.
    const graph = page.locator('[data-testid=graph]');
    await graph.focus();
    const focusedKey = () => page.getAttribute('[data-testid=graph-focus]', 'data-key');
    const start = await focusedKey();
    assert.match(start ?? '', /^g:/, 'a folded continuity');
    await page.keyboard.press('ArrowRight');
    const moved = await focusedKey();
    assert.ok(moved && moved !== start, `moved from ${start} to ${moved}`);
    assert.match(await page.locator('[data-testid=graph-focus]').innerText(), /entries.*folded\. Enter shows it/);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focusedKey(), start);
    const shownBefore = (await page.getAttribute('[data-testid=graph]', 'data-shown-ids'))!.split(',').filter(Boolean).length;
    await page.keyboard.press('Enter');
    await page.waitForFunction((before) => (document.querySelector<HTMLElement>('[data-testid=graph]')?.dataset.shownIds ?? '').split(',').filter(Boolean).length > before, shownBefore);
    await graphFitsItsPanel(page, 0.3);
    const entry = await focusedKey();
    assert.match(entry ?? '', /^e:\d+$/, 'the focus moved into the unfolded continuity');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.querySelector('[data-testid=entry-details]')?.getAttribute('data-id') === id, entry!.slice(2));

    // Narrowed to a phone, it fits again.
    await page.setViewportSize(PHONE);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid=graph][data-node-ids]');
    await graphFitsItsPanel(page);
    await saveScreenshot(page, 'gundam-phone.png');
    // Widened again without a reload: it re-fits to the new panel by itself.
    const narrow = await page.$eval('[data-testid=graph]', (graph) => graph.clientWidth);
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.waitForFunction((before) => document.querySelector<HTMLElement>('[data-testid=graph]')!.clientWidth > before, narrow);
    await page.waitForFunction(() => {
      const graph = document.querySelector<HTMLElement>('[data-testid=graph]')!;
      return Number(graph.dataset.drawn?.split(',')[2]) > graph.clientWidth / 2;
    });
    await graphFitsItsPanel(page);
    assert.deepEqual(problems, { dialogs: [], errors: [], foreign: [] });
    await page.close();
  });

  test('remote search as a write, by the real server: typed with no token, it answers 401 and the page asks for the token; with it, over the limit, the 429 is waited out and the search goes through by itself', async () => {
    const { page, problems } = await openPage(browser, searchStack.url, DESKTOP);
    const remote: { status: number; authorization: string | undefined; retryAfter: string | null }[] = [];
    page.on('response', (response) => {
      if (!response.url().includes('remote=true')) return;
      remote.push({ status: response.status(), authorization: response.request().headers().authorization, retryAfter: response.headers()['retry-after'] ?? null });
    });
    await page.goto(`${searchStack.url}/`, { waitUntil: 'domcontentloaded' });
    // Typed, not entered: nothing in the store matches, so AniList is asked once the text rests.
    await page.fill('#q', 'Cowboy Bebop');
    const form = page.locator('[data-testid=token-form]');
    await form.waitFor({ timeout: 15_000 });
    await form.locator('input[name=token]').fill(TOKEN);
    await form.locator('button[type=submit]').click();

    // The limit was spent at the start (before): the server's 429 names when it frees, and the page says so.
    const notice = page.locator('.results .notice-inline:text("tries again")');
    await notice.waitFor({ timeout: 15_000 });
    const limited = remote.find((r) => r.status === 429)!;
    assert.ok(limited.retryAfter, 'the 429 said when to come back');
    assert.match(await notice.innerText(), new RegExp(`in ${limited.retryAfter} s`));
    const first = page.locator('[data-testid=search-results] a').first();
    await first.waitFor({ timeout: (Number(limited.retryAfter) + 30) * 1000 });
    assert.equal(await first.getAttribute('href'), '/anime/1');
    assert.equal(await first.getAttribute('data-source'), 'anilist');
    assert.equal(await notice.count(), 0);
    assert.deepEqual(
      remote.map((r) => [r.status, r.authorization]),
      [
        [401, undefined],
        [429, `Bearer ${TOKEN}`],
        [200, `Bearer ${TOKEN}`],
      ],
      'asked without the token, refused over the limit, then one search that went through',
    );
    assert.deepEqual(problems, { dialogs: [], errors: [], foreign: [] });
    await page.close();
  });
});

if (skip) test(`browser tests skipped: ${skip}`, { skip }, () => {});
