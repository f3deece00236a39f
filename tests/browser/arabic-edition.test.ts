/**
 * An Arabic edition's article in a reader's browser, against the real Worker under `wrangler dev`:
 * laid out right to left, no horizontal overflow at 320 px wide, axe finds no violations, and the
 * language switcher takes the reader to the English version and back.
 */
import { expect, it } from "vitest";
import { axeViolations } from "./support/axe";
import { newContext } from "./support/chromium";
import { SOON, useDesk } from "./support/desk-fixture";
import { EDITORS, eventually } from "./support/worker";

const desk = useDesk();

async function api(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${desk.base}${path}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${EDITORS.ana}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`PUT ${path} answered ${response.status}: ${await response.text()}`);
}

it("reads right to left, fits 320 px, passes axe, and switches language", async () => {
  const published = new Date(Date.now() - 3_600_000).toISOString();
  await api("/api/editions/ar", { name: "العربية", title: "برودشيت", timeZone: "Africa/Cairo" });
  await api("/api/articles/harbour-reopens", {
    title: "The harbour reopens after the storm",
    published,
    category: "World",
    tags: ["Weather"],
    authors: ["Ana Reyes"],
    body: "Boats returned to the quay on Monday morning, three days after the storm closed the port.",
  });
  await api("/api/articles/al-mina", {
    title: "إعادة فتح الميناء بعد العاصفة",
    published,
    category: "World",
    tags: ["Weather"],
    authors: ["Ana Reyes"],
    language: "ar",
    translationOf: "harbour-reopens",
    body: "عادت القوارب إلى الرصيف صباح الاثنين، بعد ثلاثة أيام من إغلاق العاصفة للميناء. وقال الصيادون إن الأمواج هدأت، وإن الرحلات ستُستأنف تدريجيًا خلال الأسبوع.",
  });
  await eventually(`${desk.base}/ar/articles/al-mina`, 200);
  // The English page links its translation once the translation's save rewrote it.
  await expect
    .poll(async () => (await (await fetch(`${desk.base}/articles/harbour-reopens`)).text()).includes('hreflang="ar"'), SOON)
    .toBe(true);

  const context = await newContext(desk.browser, { viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  await page.goto(`${desk.base}/ar/articles/al-mina`);
  await page.getByRole("heading", { level: 1, name: "إعادة فتح الميناء بعد العاصفة" }).waitFor();

  // Right to left: the document says so, and the text really runs that way.
  expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
  expect(await page.locator("html").getAttribute("lang")).toBe("ar");
  expect(await page.evaluate('getComputedStyle(document.querySelector("main")).direction')).toBe("rtl");
  // The headline starts at the right: its right edge is at the content box's right edge.
  const [heading, main] = await Promise.all([
    // (A string: the tests compile without the DOM's types, and this runs in the page.)
    page.evaluate<{ left: number; right: number }>(
      `(() => { const range = document.createRange(); range.selectNodeContents(document.querySelector("h1"));
        const rect = range.getBoundingClientRect(); return { left: rect.left, right: rect.right }; })()`,
    ),
    page.evaluate<{ right: number }>(
      `(() => { const main = document.querySelector("main");
        return { right: main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight) }; })()`,
    ),
  ]);
  expect(Math.abs(heading.right - main.right)).toBeLessThan(2);

  // No horizontal overflow at 320 px, neither way.
  const overflow = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
    "({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })",
  );
  expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth);
  // Scrolled as far sideways as it goes (right to left, that is negative), it has not moved.
  for (const left of [-10_000, 10_000]) {
    await page.evaluate(`document.documentElement.scrollLeft = ${left}`);
    expect(await page.evaluate("document.documentElement.scrollLeft")).toBe(0);
  }

  // The interface is in Arabic, and axe finds nothing.
  expect(await page.getByRole("link", { name: "انتقل إلى المحتوى" }).count()).toBe(1);
  expect(await axeViolations(page), "axe on an Arabic article at 320 px").toEqual([]);

  // The switcher: named in each language, the current one marked, the other a link in its own language.
  const switcher = page.getByRole("navigation", { name: "اللغات" });
  expect(await switcher.locator('[aria-current="page"]').textContent()).toBe("العربية");
  await switcher.getByRole("link", { name: "English" }).click();
  await page.waitForURL(`${desk.base}/articles/harbour-reopens`);
  expect(await page.locator("html").getAttribute("dir")).toBe("ltr");
  expect(await page.locator("html").getAttribute("lang")).toBe("en");
  await page.getByRole("heading", { level: 1, name: "The harbour reopens after the storm" }).waitFor();
  expect(await axeViolations(page), "axe on the English version").toEqual([]);
  await page.getByRole("navigation", { name: "Languages" }).getByRole("link", { name: "العربية" }).click();
  await page.waitForURL(`${desk.base}/ar/articles/al-mina`);
  expect(desk.errors).toEqual([]);
  await context.close();
});
