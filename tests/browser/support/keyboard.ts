/**
 * @module tests/browser/support/keyboard
 * Moving through a page with Tab and Shift+Tab only, as a keyboard user does, and checking that
 * where the focus lands can be seen.
 */
import type { Locator, Page } from "playwright-core";

/** Whether `target` is the focused element of its document (and its document has the focus). */
export function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((element) => element.ownerDocument.activeElement === element && element.ownerDocument.hasFocus());
}

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus; fails after `max` presses. Returns how
 * many presses it took.
 *
 * @example
 * await tabTo(page, field(page, "Title"));
 * await page.keyboard.type("Hello");
 */
export async function tabTo(page: Page, target: Locator, { backwards = false, max = 80 } = {}): Promise<number> {
  for (let presses = 0; presses <= max; presses++) {
    if (await isFocused(target)) return presses;
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
  }
  throw new Error(`${max} presses of ${backwards ? "Shift+Tab" : "Tab"} did not reach ${target}`);
}

/**
 * Whether the focused element shows a focus indicator (WCAG 2.4.7): an outline or a box shadow on
 * it, or an outline on a close ancestor that draws the ring for it (an editor that overlays its
 * textarea, such as OverType, hides the textarea's own).
 *
 * @example
 * expect(await showsFocus(field(page, "Title"))).toBe(true);
 */
export function showsFocus(target: Locator): Promise<boolean> {
  // No helper functions inside the callback: it is serialised into the page, and a transform that
  // names functions (esbuild's keepNames) would leave a reference the page does not have.
  return target.evaluate((element) => {
    const view = element.ownerDocument.defaultView;
    if (!view || !element.matches(":focus-visible")) return false;
    if (view.getComputedStyle(element).boxShadow !== "none") return true;
    let node: typeof element | null = element;
    for (let depth = 0; node && depth <= 4; depth++, node = node.parentElement) {
      const style = view.getComputedStyle(node);
      const outlined = style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0;
      // The element's own outline, or one drawn round it by an ancestor while it holds the focus.
      if (outlined && (depth === 0 || node.matches(":focus-within"))) return true;
    }
    return false;
  });
}
