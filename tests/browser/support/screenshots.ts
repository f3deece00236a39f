/**
 * @module tests/browser/support/screenshots
 * The README's screenshots, taken by the browser tests so they always show the desk as it is:
 * docs/screenshots/<name>.png, the viewport only (1280×800, light), overwritten on every run.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ROOT } from "../../cli/local-worker";

export const SCREENSHOTS = join(ROOT, "docs/screenshots");

/**
 * Saves the page's viewport as docs/screenshots/`name`.png and returns the path.
 *
 * @example
 * await screenshot(page, "desk-list");
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  // Fonts and images first, and no blinking caret, so two runs of an unchanged page look alike.
  await page.evaluate("document.fonts.ready");
  await page.screenshot({ path, type: "png", fullPage: false, animations: "disabled", caret: "hide" });
  return path;
}
