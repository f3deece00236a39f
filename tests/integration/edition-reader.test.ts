/**
 * What readers and crawlers get of a site with editions (docs/editions.md): hreflang links that
 * agree between every page and the whole sitemap, a language switcher, each edition's navigation
 * under its own section names, interface text (and 404 and 410 pages) in the edition's language,
 * the news sitemap's language per item, and a pipeline that confines a save's work, and a section's
 * rename in one edition, to that edition.
 */
import { describe, expect, it } from "vitest";
import type { MessageBody } from "../../src/pipeline/messages";
import { parseTarget, targetEdition } from "../../src/targets/build-target";
import { navFromHtml } from "../support/nav";
import {
  articleFile,
  deleteArticle,
  deliverBatch,
  drainQueues,
  kvSnapshot,
  publish,
  putArticle,
  request,
  requestOnly,
  secondsFromNow,
  TOKEN,
  takeQueued,
} from "./helpers";

const auth = { Authorization: `Bearer ${TOKEN}` };
const ORIGIN = "https://news.example";

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

function putSection(slug: string, body: unknown, init: typeof request = request): Promise<Response> {
  return init(`/api/sections/${slug}`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The hreflang links in a page's head, as `hreflang → href`. */
function pageAlternates(html: string): Map<string, string> {
  return new Map(
    [...html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"\/>/g)].map(([, lang = "", href = ""]) => [
      lang,
      href,
    ]),
  );
}

/** Every `<url>` of a sitemap with its `xhtml:link` alternates. */
function sitemapUrls(xml: string): Array<{ loc: string; alternates: Map<string, string> }> {
  return [...xml.matchAll(/<url>([\s\S]*?)<\/url>/g)].map(([, body = ""]) => ({
    loc: /<loc>([^<]+)<\/loc>/.exec(body)?.[1] ?? "",
    alternates: new Map(
      [...body.matchAll(/<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"\/>/g)].map(([, lang = "", href = ""]) => [
        lang,
        href,
      ]),
    ),
  }));
}

/** Everything on the queues, delivered until none is left: every message the work sent. */
async function deliverAll(): Promise<MessageBody[]> {
  const seen: MessageBody[] = [];
  for (let round = 0; round < 1000; round++) {
    const bodies = takeQueued();
    if (bodies.length === 0) return seen;
    seen.push(...bodies);
    for (let i = 0; i < bodies.length; i += 100) await deliverBatch(bodies.slice(i, i + 100));
  }
  throw new Error("the queues did not drain");
}

describe("translations", () => {
  it("link every version with hreflang and x-default, the same on every page as in the whole sitemap, with a switcher", async () => {
    await edition("es", "Español", "El Broadsheet");
    await edition("ar", "العربية", "برودشيت");
    await edition("fr", "Français", "Le Broadsheet");
    // Published an hour ago: the news sitemap lists the last 48 hours.
    const published = secondsFromNow(-3600);
    await publish("story", { title: "The story", category: "World", published });
    await publishIn("historia", "es", { title: "La historia", published, translationOf: "story" });
    await publishIn("qissa", "ar", { title: "القصة", published, translationOf: "historia" });
    // An original in another edition with a translation into the default's, and one with none.
    await publishIn("recit", "fr", { title: "Le récit", published });
    await publishIn("narrative", "en", { title: "The narrative", published, translationOf: "recit" });
    await publishIn("seul", "fr", { title: "Seul", published });

    // Every month of the sitemap index, every URL in them.
    const index = await (await request("/sitemap.xml")).text();
    const urls = [];
    for (const [, loc = ""] of index.matchAll(/<loc>([^<]+\/sitemaps\/\d{4}-\d{2}\.xml)<\/loc>/g)) {
      urls.push(...sitemapUrls(await (await request(loc.replace(ORIGIN, ""))).text()));
    }
    const articles = urls.filter((url) => url.loc.includes("/articles/"));
    expect(articles.map((url) => url.loc).sort()).toEqual(
      [
        "/ar/articles/qissa",
        "/articles/narrative",
        "/articles/story",
        "/es/articles/historia",
        "/fr/articles/recit",
        "/fr/articles/seul",
      ].map((path) => `${ORIGIN}${path}`),
    );
    const byLoc = new Map(articles.map((url) => [url.loc, url.alternates]));
    for (const { loc, alternates } of articles) {
      const html = await (await request(loc.replace(ORIGIN, ""))).text();
      // The page's head says what the sitemap says.
      expect(pageAlternates(html), loc).toEqual(alternates);
      if (alternates.size === 0) {
        expect(html, loc).not.toContain('class="languages"');
        continue;
      }
      // Itself included, and x-default.
      expect([...alternates.values()], loc).toContain(loc);
      expect(alternates.has("x-default"), loc).toBe(true);
      // Reciprocal: every version lists exactly the same set.
      for (const [lang, href] of alternates) {
        if (lang !== "x-default") expect(byLoc.get(href), `${loc} → ${href}`).toEqual(alternates);
      }
      // The switcher names this version as current and links the others in their own language.
      expect(html, loc).toMatch(/<nav class="languages" aria-label="[^"]+"><ul>/);
      expect(html, loc).toContain('aria-current="page"');
    }
    // x-default: the default edition's version, else the original.
    expect(byLoc.get(`${ORIGIN}/ar/articles/qissa`)?.get("x-default")).toBe(`${ORIGIN}/articles/story`);
    expect(byLoc.get(`${ORIGIN}/articles/narrative`)?.get("x-default")).toBe(`${ORIGIN}/articles/narrative`);
    expect(byLoc.get(`${ORIGIN}/articles/story`)?.get("ar")).toBe(`${ORIGIN}/ar/articles/qissa`);
    const arabic = await (await request("/ar/articles/qissa")).text();
    expect(arabic).toContain('<a href="/es/articles/historia" hreflang="es" lang="es" rel="alternate">Español</a>');
    expect(arabic).toContain('<span aria-current="page" lang="ar">العربية</span>');

    // A version taken down leaves every other page's links, and the sitemap's.
    expect((await deleteArticle("qissa")).status).toBe(200);
    const story = await (await request("/articles/story")).text();
    expect([...pageAlternates(story).keys()].sort()).toEqual(["en", "es", "x-default"]);
    expect(pageAlternates(await (await request("/es/articles/historia")).text()).has("ar")).toBe(false);

    // The news sitemap gives each item its own language and its edition's name.
    const news = await (await request("/news-sitemap.xml")).text();
    const item = (path: string) => new RegExp(`<loc>${ORIGIN}${path}</loc><news:news>[\\s\\S]*?</news:news>`).exec(news)?.[0];
    expect(item("/es/articles/historia")).toContain("<news:language>es</news:language>");
    expect(item("/es/articles/historia")).toContain("<news:name>El Broadsheet</news:name>");
    expect(item("/fr/articles/seul")).toContain("<news:language>fr</news:language>");
    expect(item("/articles/story")).toContain("<news:language>en</news:language>");
    expect(item("/articles/story")).toContain("<news:name>Broadsheet</news:name>");
    // Sections' pages in every edition that has them.
    const sections = await (await request("/sitemaps/sections.xml")).text();
    for (const path of ["/sections/world", "/es/sections/world", "/fr/sections/world"]) {
      expect(sections).toContain(`<loc>${ORIGIN}${path}</loc>`);
    }
  }, 60_000);
});

describe("interface text", () => {
  it("is the edition's language on its pages, its 404 and its 410, in its time zone, and English elsewhere", async () => {
    await edition("es", "Español", "El Broadsheet");
    await edition("ar", "العربية", "برودشيت");
    await edition("sw", "Kiswahili", "Broadsheet Kiswahili");
    await publish("story", { title: "The story", category: "World", updated: "2025-01-16T23:30:00Z" });
    await publishIn("historia", "es", { title: "La historia", updated: "2025-01-16T23:30:00Z" });
    await publishIn("qissa", "ar", { title: "القصة" });
    await publishIn("habari", "sw", { title: "Habari" });

    const spanish = await (await request("/es/articles/historia")).text();
    expect(spanish).toContain("Saltar al contenido");
    expect(spanish).toContain('action="/es/search"');
    // 23:30 UTC is past midnight in Madrid: the date is the edition's, not UTC's.
    expect(spanish).toContain("Actualizado <time");
    expect(spanish).toContain("17 de enero de 2025");
    const english = await (await request("/articles/story")).text();
    expect(english).toContain("Skip to content");
    expect(english).toContain("January 16, 2025");
    const arabic = await (await request("/ar/articles/qissa")).text();
    expect(arabic).toContain("انتقل إلى المحتوى");
    // A language with no text of its own is in English.
    expect(await (await request("/sw/articles/habari")).text()).toContain("Skip to content");

    const missing = await request("/es/articles/no-existe");
    expect(missing.status).toBe(404);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain('<html lang="es" dir="ltr">');
    expect(missingHtml).toContain("Página no encontrada");
    expect(missingHtml).toContain('href="/es/"');
    const arabicMissing = await (await request("/ar/no-such-page")).text();
    expect(arabicMissing).toContain('<html lang="ar" dir="rtl">');
    expect(arabicMissing).toContain("الصفحة غير موجودة");
    expect(await (await request("/no-such-page")).text()).toContain("Page not found");

    expect((await deleteArticle("historia")).status).toBe(200);
    const gone = await request("/es/articles/historia");
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain("Artículo retirado");
  }, 60_000);
});

describe("section names per edition", () => {
  it("show in each edition's navigation and section page, and a rename in one edition rebuilds that edition only", async () => {
    await edition("es", "Español", "El Broadsheet");
    await edition("ar", "العربية", "برودشيت");
    await publish("story", { title: "The story", category: "World" });
    await publishIn("historia", "es", { title: "La historia" });
    await publishIn("cronica", "es", { title: "La crónica" });
    await publishIn("qissa", "ar", { title: "القصة" });
    // Every edition has its navigation before any name: the section's own.
    expect(navFromHtml(await (await request("/es/articles/historia")).text())).toEqual([{ slug: "world", name: "World" }]);

    // A name for an edition the site does not have, or for the default's, is refused by field, and writes nothing.
    const before = await kvSnapshot();
    for (const [names, field] of [
      [{ fr: "Monde" }, "names.fr"],
      [{ en: "World" }, "names.en"],
      [{ "not a tag!": "x" }, "names.not a tag!"],
    ] as const) {
      const refused = await putSection("world", { names });
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { details: Array<{ field: string }> };
      expect(body.details.map((d) => d.field)).toEqual([field]);
    }
    expect(await kvSnapshot()).toEqual(before);

    // Named in Spanish: the work it leaves touches the Spanish edition only.
    const saved = await putSection("world", { names: { es: "Mundo" } }, requestOnly);
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as { names: Record<string, string> }).names).toEqual({ es: "Mundo" });
    const work = await deliverAll();
    const pages = work.filter((m) => m.kind === "article").map((m) => m.target);
    expect(new Set(pages)).toEqual(new Set(["historia", "cronica"]));
    const listings = work.filter((m) => m.kind === "listing").map((m) => m.target);
    expect(listings.length).toBeGreaterThan(0);
    for (const name of listings) {
      const target = parseTarget(name);
      expect(target && targetEdition(target), name).toBe("es");
    }
    expect(work.filter((m) => m.kind === "fanout").map((m) => m.target)).toEqual(
      expect.arrayContaining(["articles@es", "listings@es"]),
    );
    expect(work.some((m) => m.kind === "fanout" && !m.target.endsWith("@es"))).toBe(false);
    await drainQueues();

    for (const path of ["/es/articles/historia", "/es/articles/cronica", "/es/"]) {
      expect(navFromHtml(await (await request(path)).text()), path).toEqual([{ slug: "world", name: "Mundo" }]);
    }
    expect(await (await request("/es/sections/world")).text()).toContain("<h1>Mundo</h1>");
    expect(navFromHtml(await (await request("/articles/story")).text())).toEqual([{ slug: "world", name: "World" }]);
    expect(navFromHtml(await (await request("/ar/articles/qissa")).text())).toEqual([{ slug: "world", name: "World" }]);

    // Named in Arabic too; the section's own name is still the default edition's.
    expect((await putSection("world", { names: { ar: "العالم" } })).status).toBe(200);
    expect(navFromHtml(await (await request("/ar/")).text())).toEqual([{ slug: "world", name: "العالم" }]);
    expect(navFromHtml(await (await request("/")).text())).toEqual([{ slug: "world", name: "World" }]);
  }, 60_000);

  it("a save rebuilds its own edition's listings and its translation group's pages, nothing of another edition", async () => {
    await edition("es", "Español", "El Broadsheet");
    await edition("ar", "العربية", "برودشيت");
    await publish("story", { title: "The story", category: "World" });
    await publish("other", { title: "Another story", category: "World" });
    await publishIn("historia", "es", { title: "La historia", translationOf: "story" });
    await publishIn("qissa", "ar", { title: "القصة", translationOf: "story" });

    const saved = await putArticle(
      "historia",
      articleFile({ title: "La historia, corregida", category: "World", language: "es", translationOf: "story" }),
    );
    expect(saved.status).toBe(200);
    // (putArticle drained the queues: look again, without draining.)
    const again = await requestOnly("/api/articles/historia", {
      method: "PUT",
      headers: { ...auth, "Content-Type": "text/markdown" },
      body: articleFile({ title: "La historia, otra vez", category: "World", language: "es", translationOf: "story" }),
    });
    expect(again.status).toBe(200);
    const work = await deliverAll();
    // Its own page in full, and its group's pages only (their links changed, not their index keys): no other article's.
    expect(new Set(work.filter((m) => m.kind === "article").map((m) => m.target))).toEqual(
      new Set(["historia", "story@links", "qissa@links"]),
    );
    for (const m of work.filter((m) => m.kind === "listing")) {
      const target = parseTarget(m.target);
      // Its edition's listings and archives; the sitemaps and the news sitemap are the whole site's.
      if (target?.kind === "listing" || target?.kind === "archive") expect(targetEdition(target), m.target).toBe("es");
    }
    expect(work.some((m) => m.kind === "fanout")).toBe(false);
  }, 60_000);

  it("a new edition, or new settings for one, rebuild that edition's pages only", async () => {
    await edition("es", "Español", "El Broadsheet");
    await publish("story", { title: "The story", category: "World" });
    await publishIn("historia", "es", { title: "La historia" });
    // A new edition: its (empty) home page, and nothing of another edition.
    const created = await requestOnly("/api/editions/fr", {
      method: "PUT",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Français", title: "Le Broadsheet" }),
    });
    expect(created.status).toBe(201);
    const work = await deliverAll();
    expect(work.filter((m) => m.kind === "article")).toEqual([]);
    for (const m of work.filter((m) => m.kind === "listing" || m.kind === "fanout")) {
      expect(m.target.startsWith("fr/") || m.target.endsWith("@fr"), m.target).toBe(true);
    }
    expect((await request("/fr/")).status).toBe(200);

    // The Spanish edition's new title reaches its pages, and only its pages are written.
    const retitled = await requestOnly("/api/editions/es", {
      method: "PUT",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Español", title: "Broadsheet en español" }),
    });
    expect(retitled.status).toBe(200);
    const rebuilt = await deliverAll();
    expect(rebuilt.filter((m) => m.kind === "article").map((m) => m.target)).toEqual(["historia"]);
    expect(
      rebuilt
        .filter((m) => m.kind === "fanout")
        .map((m) => m.target)
        .sort(),
    ).toEqual(["articles@es", "listings@es"]);
    expect(await (await request("/es/articles/historia")).text()).toContain("<title>La historia · Broadsheet en español</title>");
    expect(await (await request("/articles/story")).text()).toContain("<title>The story · Broadsheet</title>");
  }, 60_000);
});
