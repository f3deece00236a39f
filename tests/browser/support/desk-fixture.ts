/**
 * @module tests/browser/support/desk-fixture
 * One test file's world: its own Worker (own empty state) and its own Chromium. Every page comes
 * from a fresh context, so two pages are two browsers unless a test shares a context on purpose.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
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
 * Starts the Worker and Chromium side by side. A test file calls `useDesk()` rather than this.
 *
 * @example
 * const desk = await startDesk();
 * const page = await desk.signedInPage();
 * await desk.stop();
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

/**
 * The test file's desk: started before its first test and stopped after its last. The object is
 * filled in by the `beforeAll` this registers, so read its fields inside hooks and tests (a hook
 * registered after this call runs after the desk is up).
 *
 * @example
 * const desk = useDesk();
 * let editor: Page;
 * beforeAll(async () => { editor = await desk.signedInPage(); }); // runs once the desk is up
 * it("lists articles", async () => { await editor.goto(`${desk.base}/desk`); });
 */
export function useDesk(): Desk {
  // Desk's methods are closures over their own state, not `this`, so copying them over is enough.
  const desk = {} as Desk;
  beforeAll(async () => {
    Object.assign(desk, await startDesk());
  });
  // `stop` is missing if starting failed: nothing to stop then.
  afterAll(() => desk.stop?.());
  return desk;
}

/** expect.poll's settings for what the page's script does a moment later (preview, autosave, upload). */
export const SOON = { timeout: 15_000, interval: 100 } as const;
