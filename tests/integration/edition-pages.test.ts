import { describe, expect, it } from "vitest";
import { navFromHtml } from "../support/nav";
import { articleFile, publish, putArticle, request, TOKEN } from "./helpers";

const auth = { Authorization: `Bearer ${TOKEN}` };

async function edition(lang: string, name: string, title: string): Promise<void> {
  const response = await request(`/api/editions/${lang}`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ name, title, timeZone: "Europe/Madrid" }),
  });
  expect(response.status).toBe(201);
}

async function publishIn(slug: string, language: string, fields: Record<string, unknown> = {}): Promise<void> {
  const response = await putArticle(slug, articleFile({ title: slug, category: "World", language, ...fields }));
  expect(response.status, await response.clone().text()).toBe(201);
}

describe("an edition's pages and feeds", () => {
  it("live under /{tag}/, list only the edition's articles, and send other editions' paths to the right one", async () => {
    await edition("es", "Español", "El Broadsheet");
    await edition("ar", "العربية", "برودشيت");
    await publish("english-story", { title: "English story", category: "World" });
    await publishIn("historia", "es", { title: "La historia", translationOf: "english-story" });
    await publishIn("qissa", "ar", { title: "القصة" });

    const page = await request("/es/articles/historia");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="es" dir="ltr">');
    expect(html).toContain("El Broadsheet");
    expect(html).toContain('href="https://news.example/es/articles/historia"');

    const arabic = await (await request("/ar/articles/qissa")).text();
    expect(arabic).toContain('<html lang="ar" dir="rtl">');

    // The wrong edition's path, the default's included, is one 301 away from the right one.
    for (const [path, location] of [
      ["/articles/historia", "https://news.example/es/articles/historia"],
      ["/ar/articles/historia", "https://news.example/es/articles/historia"],
      ["/es/articles/english-story", "https://news.example/articles/english-story"],
    ] as const) {
      const response = await request(path, { redirect: "manual" });
      expect(response.status, path).toBe(301);
      expect(response.headers.get("Location"), path).toBe(location);
    }

    // Each edition's home page and feeds list its own articles only.
    const home = await (await request("/")).text();
    expect(home).toContain("English story");
    expect(home).not.toContain("La historia");
    expect(home).not.toContain("القصة");
    const spanishHome = await request("/es/");
    expect(spanishHome.status).toBe(200);
    const spanish = await spanishHome.text();
    expect(spanish).toContain('href="/es/articles/historia"');
    expect(spanish).not.toContain("English story");
    expect(spanish).not.toContain("القصة");
    // A bare /es is not the home page: it could be any path that looks like a tag (/no-such-page).
    expect((await request("/es", { redirect: "manual" })).status).toBe(404);
    expect((await request("/no-such-page")).status).toBe(404);

    const rss = await (await request("/es/rss.xml")).text();
    expect(rss).toContain("<language>es</language>");
    expect(rss).toContain("https://news.example/es/articles/historia");
    expect(rss).not.toContain("english-story");
    const atom = await (await request("/es/atom.xml")).text();
    expect(atom).toContain('xml:lang="es"');
    const json = (await (await request("/es/feed.json")).json()) as { language: string; items: Array<{ url: string }> };
    expect(json.language).toBe("es");
    expect(json.items.map((item) => item.url)).toEqual(["https://news.example/es/articles/historia"]);
    expect(await (await request("/rss.xml")).text()).not.toContain("historia");

    const section = await request("/es/sections/world");
    expect(section.status).toBe(200);
    expect(await section.text()).toContain("La historia");
    expect(await (await request("/sections/world")).text()).not.toContain("La historia");

    // An edition the site does not have is an ordinary 404.
    expect((await request("/fr/")).status).toBe(404);
    expect((await request("/fr/articles/historia", { redirect: "manual" })).status).toBe(301);
    // The default edition keeps its navigation, read from D1.
    expect(navFromHtml(home)).toEqual([{ slug: "world", name: "World" }]);
  }, 30_000);
});
