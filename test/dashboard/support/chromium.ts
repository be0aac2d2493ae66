// Debian's Chromium driven by playwright-core for the dashboard's browser tests and benchmark: the executable the
// machine has (a downloaded browser build does not run here), a fresh profile per launch, nothing phoning home.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as playwright, type BrowserContext } from 'playwright-core';

/** `VANE_CHROMIUM`, else Debian's package. */
export const CHROMIUM_PATH = process.env['VANE_CHROMIUM'] || '/usr/bin/chromium';

export const CHROMIUM_MISSING = `no Chromium at ${CHROMIUM_PATH} (set VANE_CHROMIUM, or install Debian's chromium: .ci/setup does)`;

/**
 * Whether the browser suites must be skipped: only outside CI. In CI a missing browser is a failure, so a green run
 * always means the browser tests ran.
 */
export function skipWithoutChromium(): boolean {
  if (existsSync(CHROMIUM_PATH)) return false;
  if (process.env['CI']) throw new Error(CHROMIUM_MISSING);
  process.stderr.write(`skipping the dashboard browser tests: ${CHROMIUM_MISSING}\n`);
  return true;
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  /** The browser's one context (its own profile); each page opened in it has its own sessionStorage. */
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(CHROMIUM_MISSING);
  const profile = mkdtempSync(join(tmpdir(), 'vane-chromium-'));
  try {
    // A persistent context is how playwright takes a profile directory of ours (it refuses --user-data-dir in args).
    const context = await playwright.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS, viewport: { width: 1280, height: 800 } });
    return {
      context,
      async close() {
        await context.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
