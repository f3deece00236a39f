/**
 * @module tests/browser/support/axe
 * axe-core's checks on a page as it is now. The desk's CSP allows only its own scripts, so an
 * injected <script> may be refused; then axe's source is evaluated through the DevTools protocol,
 * which CSP does not govern.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Frame, Page } from "playwright-core";
import { ROOT } from "../../cli/local-worker";

export const AXE_PATH = join(ROOT, "node_modules/axe-core/axe.min.js");
const AXE_SOURCE = readFileSync(AXE_PATH, "utf8");

async function hasAxe(frame: Frame): Promise<boolean> {
  return frame.evaluate("typeof window.axe === 'object'").then(
    (loaded) => loaded === true,
    () => false,
  );
}

async function injectAxe(frame: Frame): Promise<boolean> {
  if (await hasAxe(frame)) return true;
  await frame.addScriptTag({ path: AXE_PATH }).catch(() => undefined);
  if (await hasAxe(frame)) return true;
  await frame.evaluate(AXE_SOURCE).catch(() => undefined);
  return hasAxe(frame);
}

/** One violation per line: rule, impact, what it wants, and the elements it found. */
const SUMMARISE = `axe.run(document, { iframes: __IFRAMES__ }).then((results) =>
  results.violations.map((v) => v.id + " (" + v.impact + "): " + v.help + " at " + v.nodes.map((n) => n.target.join(" >>> ")).join(", ")))`;

/**
 * Runs axe-core on the page (and in its frames, such as the editor's preview, where axe can be
 * loaded) and returns its violations as readable lines: an empty list means none.
 *
 * @example
 * expect(await axeViolations(page), "sign-in").toEqual([]);
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await injectAxe(page.mainFrame()))) throw new Error(`axe-core could not be loaded into ${page.url()}`);
  let everyFrame = true;
  for (const frame of page.frames()) {
    if (frame !== page.mainFrame() && !(await injectAxe(frame))) everyFrame = false;
  }
  // A frame without axe would make axe wait for its answer; check only the top document then.
  const violations = await page.evaluate(SUMMARISE.replace("__IFRAMES__", String(everyFrame)));
  return violations as string[];
}
