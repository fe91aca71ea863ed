import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; the browser tests need it (`apt-get install chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or null when they can. Under CI they must run,
 * so a missing browser is a failure there rather than a skip.
 */
export function chromiumUnavailable(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const why = `${CHROMIUM_PATH} is missing (apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(`browser tests are required under CI: ${why}`);
  return why;
}

/**
 * Headless Chromium in a fresh profile (playwright makes a new temporary one per launch and
 * removes it on close). The flags keep it off the network it would otherwise try at start
 * (updates, sync, field trials): tests have none, and refused connections slow every start.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
