/**
 * @module tests/browser/support/screenshots
 * The screenshots of the desk in docs/desk.md, taken on request only: `npm run screenshots` sets
 * BROADSHEET_SCREENSHOTS to the folder to write (docs/screenshots), and the browser tests save
 * <name>.png there on the way (the viewport only, 1280×800, light). A plain `npm run test:browser`
 * writes nothing, so a test run never leaves the tracked images changed.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ROOT } from "../../cli/local-worker";

/** Where screenshots go, or undefined when this run was not asked to take them. */
const SCREENSHOTS = process.env.BROADSHEET_SCREENSHOTS ? join(ROOT, process.env.BROADSHEET_SCREENSHOTS) : undefined;

/**
 * Saves the page's viewport as `name`.png in the screenshots folder, when this run takes
 * screenshots, and returns the path (undefined otherwise).
 *
 * @example
 * await screenshot(page, "desk-list");
 */
export async function screenshot(page: Page, name: string): Promise<string | undefined> {
  if (!SCREENSHOTS) return undefined;
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  // Fonts and images first, and no blinking caret, so two runs of an unchanged page look alike.
  await page.evaluate("document.fonts.ready");
  await page.screenshot({ path, type: "png", fullPage: false, animations: "disabled", caret: "hide" });
  return path;
}
