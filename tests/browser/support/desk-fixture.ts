/**
 * @module tests/browser/support/desk-fixture
 * One test file's world: its own Worker (own empty state) and its own Chromium. Every page comes
 * from a fresh context, so two pages are two browsers unless a test shares a context on purpose.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, newContext } from "./chromium";
import { signIn } from "./desk";
import { EDITORS, type LocalWorker, startDeskWorker } from "./worker";

export interface Desk {
  /** The Worker's address, which is also its SITE_URL. */
  base: string;
  worker: LocalWorker;
  browser: Browser;
  /** A page in a new context: no cookies, no localStorage. Errors thrown by its scripts are kept in `errors`. */
  newPage(): Promise<Page>;
  /** A page in a new context, signed in as the editor with `token`, on the article list. */
  signedInPage(token?: string): Promise<Page>;
  /** Uncaught errors from the desk's scripts in any page so far, as "url: message". */
  errors: string[];
  stop(): Promise<void>;
}

/**
 * Starts the Worker and Chromium side by side.
 *
 * @example
 * let desk: Desk;
 * beforeAll(async () => { desk = await startDesk(); });
 * afterAll(() => desk?.stop());
 */
export async function startDesk(): Promise<Desk> {
  const [worker, browser] = await Promise.all([startDeskWorker(), launchChromium()]);
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const newPage = async () => {
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
    return page;
  };
  return {
    base: worker.url,
    worker,
    browser,
    errors,
    newPage,
    async signedInPage(token = EDITORS.ana) {
      const page = await newPage();
      await signIn(page, worker.url, token);
      return page;
    },
    async stop() {
      await Promise.allSettled(contexts.map((context) => context.close()));
      await Promise.allSettled([browser.close(), worker.stop()]);
    },
  };
}

/** expect.poll's settings for what the page's script does a moment later (preview, autosave, upload). */
export const SOON = { timeout: 15_000, interval: 100 } as const;
