/**
 * @module tests/browser/support/chromium
 * Debian's Chromium driven by playwright-core (no browser download is possible here), and the one
 * kind of browser context every desk test uses: 1280×800, light, en-US, in the site's time zone.
 */
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium } from "playwright-core";

/** Where Debian's `chromium` package puts the browser; CHROME_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";

/**
 * No sandbox (tests run as root in a container) and no GPU. The rest keeps Chromium off the network:
 * without them it keeps trying to reach Google's update, sync and field-trial servers.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** The screenshots' size, and the size every page is tested at. */
export const VIEWPORT = { width: 1280, height: 800 } as const;

/** How long a single wait (a locator, a navigation) may take before the test fails. */
export const STEP_TIMEOUT_MS = 20_000;

/**
 * Starts headless Chromium.
 *
 * @example
 * const browser = await launchChromium();
 * const context = await newContext(browser);
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A fresh context (its own cookies and localStorage): an editor's browser, or a reader's. The time
 * zone is the site's (wrangler.toml: SITE_TIME_ZONE = "UTC"), so a datetime-local value means the
 * same instant to the page and to the test.
 *
 * @example
 * const reader = await newContext(browser); // no cookies: not signed in
 */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    colorScheme: "light",
    locale: "en-US",
    timezoneId: "UTC",
    ...options,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return context;
}
