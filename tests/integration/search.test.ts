// Readers' search, end to end inside workerd: articles published through the editors' API reach the
// search database through the pipeline, and /search, /search.json and /opensearch.xml read it.
import { env } from "cloudflare:workers";
import { XMLParser } from "fast-xml-parser";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { putEntries } from "../../src/search/entries";
import { clock, deleteArticle, emptyCache, publish, request, runCron, secondsFromNow, TOKEN } from "./helpers";

const auth = { Authorization: `Bearer ${TOKEN}` };
let address = 0;
/** Each search comes from its own address unless told, so no test meets another's rate limit. */
const search = (query: string, ip = `192.0.2.${++address % 250}-${Date.now()}`) =>
  request(`/search?${query}`, { headers: { "CF-Connecting-IP": ip } });
const searchJson = async (query: string) => {
  const response = await request(`/search.json?${query}`, { headers: { "CF-Connecting-IP": `json-${++address}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    total: number;
    suggestion: string | null;
    results: Array<{ slug: string; title: string; snippet_html: string; section: { slug: string } }>;
  };
};
/** The slugs a search finds, in order, through the JSON endpoint (the page shows the same). */
const found = async (q: string, extra = "") =>
  (await searchJson(`q=${encodeURIComponent(q)}${extra}`)).results.map((r) => r.slug);

const move = (slug: string, to: string) =>
  request(`/api/articles/${slug}/move`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ to }),
  });
const restore = (slug: string) => request(`/api/articles/${slug}/restore`, { method: "POST", headers: auth });

describe("the index follows every change to an article", () => {
  it("publish, edit, unpublish, trash, restore, move and delete", async () => {
    await publish("budget", { title: "The spring budget", published: secondsFromNow(-3600) }, "Taxes on kumquats rise again.");
    expect(await found("kumquats")).toEqual(["budget"]);

    await publish("budget", { title: "The spring budget", published: secondsFromNow(-3600) }, "Taxes on pomegranates rise.");
    expect(await found("kumquats")).toEqual([]);
    expect(await found("pomegranates")).toEqual(["budget"]);

    await publish(
      "budget",
      { title: "The spring budget", published: secondsFromNow(-3600), draft: true },
      "Taxes on pomegranates rise.",
    );
    expect(await found("pomegranates")).toEqual([]);

    await publish("budget", { title: "The spring budget", published: secondsFromNow(-3600) }, "Taxes on pomegranates rise.");
    expect(await found("pomegranates")).toEqual(["budget"]);

    expect((await deleteArticle("budget")).status).toBeLessThan(300);
    expect(await found("pomegranates")).toEqual([]);

    expect((await restore("budget")).status).toBeLessThan(300);
    expect(await found("pomegranates")).toEqual(["budget"]);

    expect((await move("budget", "spring-budget")).status).toBeLessThan(300);
    expect(await found("pomegranates")).toEqual(["spring-budget"]);
    const entries = await env.SEARCH.prepare("SELECT slug FROM entries").all<{ slug: string }>();
    expect(entries.results).toEqual([{ slug: "spring-budget" }]);
  }, 60_000);

  it("finds a scheduled article only once its time has come", async () => {
    await publish("later", { title: "Embargoed report", published: secondsFromNow(600) }, "The quarterly zeppelin figures.");
    expect(await found("zeppelin")).toEqual([]);
    clock.advance(601_000);
    await runCron();
    await emptyCache();
    expect(await found("zeppelin")).toEqual(["later"]);
  });

  it("purges cached result pages when the index changes", async () => {
    await publish("first", { title: "First", published: secondsFromNow(-60) }, "A story about walruses.");
    const before = await search("q=walruses", "cache-test");
    expect(await before.text()).toContain("/articles/first");
    await publish("second", { title: "Second", published: secondsFromNow(-60) }, "Another story about walruses.");
    const after = await search("q=walruses", "cache-test");
    expect(after.headers.get("X-Cache")).toBe("MISS");
    expect(await after.text()).toContain("/articles/second");
  });
});

describe("ranking and matching", () => {
  it("puts the exact-title match first, and the recent story above an old one of equal weight", async () => {
    const day = 86_400;
    await publish(
      "old",
      { title: "Harbour news", published: secondsFromNow(-5 * 365 * day) },
      "The harbour ferry timetable changes.",
    );
    await publish("new", { title: "Harbour news", published: secondsFromNow(-7 * day) }, "The harbour ferry timetable changes.");
    await publish(
      "mentions",
      { title: "Harbour ferry timetable, again", published: secondsFromNow(-day) },
      "Ferry timetable ferry timetable ferry timetable.",
    );
    await publish("exact", { title: "Ferry timetable", published: secondsFromNow(-3 * 365 * day) }, "Nothing else.");
    const slugs = await found("ferry timetable");
    expect(slugs[0]).toBe("exact");
    expect(slugs.indexOf("new")).toBeLessThan(slugs.indexOf("old"));
    expect(await found("ferry timetable", "&sort=newest")).toEqual(["mentions", "new", "exact", "old"]);
  }, 30_000);

  it("matches regardless of case and accents, finds CJK words and honours phrases", async () => {
    await publish("cv", { title: "Le Résumé", published: secondsFromNow(-60) }, "Un CAFÉ crème à Zürich.");
    await publish(
      "beijing",
      { title: "北京大学的新图书馆", published: secondsFromNow(-60) },
      "東京で新しい図書館が開館しました。",
    );
    await publish("phrase", { title: "Order matters", published: secondsFromNow(-60) }, "The red car passed the blue house.");
    expect(await found("resume")).toEqual(["cv"]);
    expect(await found("RÉSUMÉ")).toEqual(["cv"]);
    expect(await found("cafe zurich")).toEqual(["cv"]);
    expect(await found("北京")).toEqual(["beijing"]);
    expect(await found("图书馆")).toEqual(["beijing"]);
    expect(await found("図書館")).toEqual(["beijing"]);
    expect(await found("京大")).toEqual(["beijing"]);
    expect(await found("北大")).toEqual([]);
    expect(await found('"red car"')).toEqual(["phrase"]);
    expect(await found('"car red"')).toEqual([]);
    expect(await found("red -house")).toEqual([]);
    expect(await found("red -kumquat")).toEqual(["phrase"]);
  }, 30_000);

  it("marks matches in a snippet, escaping the article's own text", async () => {
    await publish(
      "escape",
      { title: "Markup <b>inside</b>", published: secondsFromNow(-60) },
      "Watch for `<script>` tags and the word otter here.",
    );
    const json = await searchJson("q=otter");
    expect(json.results[0]?.snippet_html).toContain("<mark>otter</mark>");
    expect(json.results[0]?.snippet_html).toContain("&lt;script&gt;");
    const page = await (await search("q=otter")).text();
    expect(page).toContain("<mark>otter</mark>");
    expect(page).not.toContain("<script>");
  });

  it("filters by section, author, tag and dates, and ignores filters that name nothing", async () => {
    await publish(
      "a",
      { title: "Alpha", category: "World", authors: ["Ana Lima"], tags: ["Rivers"], published: "2024-03-10T10:00:00Z" },
      "Flooding news.",
    );
    await publish(
      "b",
      { title: "Beta", category: "Sport", authors: ["Bo Chen"], tags: ["Boats"], published: "2025-06-01T10:00:00Z" },
      "Flooding news.",
    );
    expect(await found("flooding", "&section=world")).toEqual(["a"]);
    expect(await found("flooding", "&author=bo-chen")).toEqual(["b"]);
    expect(await found("flooding", "&tag=rivers")).toEqual(["a"]);
    expect(await found("flooding", "&from=2025-01-01")).toEqual(["b"]);
    expect(await found("flooding", "&to=2024-12-31")).toEqual(["a"]);
    expect((await found("flooding", "&section=nowhere")).sort()).toEqual(["a", "b"]);
    expect((await found("flooding", "&from=not-a-date&tag=%00")).sort()).toEqual(["a", "b"]);
  }, 30_000);

  it("pages twenty results at a time", async () => {
    // Written straight to the index: this is about paging, not the pipeline.
    const entries = Array.from({ length: 22 }, (_, i) => ({
      articleId: `id-${i}`,
      slug: `p-${i}`,
      title: `Page ${i}`,
      summary: "",
      body: "Lighthouse keepers.",
      section: { slug: "news", name: "News" },
      authors: [],
      tags: [],
      publishedAt: clock.now() - 1000 - i,
      revision: 1,
    }));
    await putEntries(env.SEARCH, entries, clock.now());
    const first = await searchJson("q=lighthouse");
    expect(first.total).toBe(22);
    expect(first.results).toHaveLength(20);
    const second = await searchJson("q=lighthouse&page=2");
    expect(second.results).toHaveLength(2);
    const html = await (await search("q=lighthouse")).text();
    expect(html).toContain('href="/search?page=2&amp;q=lighthouse"');
  });
});

describe("what readers see", () => {
  it("a page with no results keeps the query and suggests a spelling from the index", async () => {
    await publish("gov", { title: "The government", published: secondsFromNow(-60) }, "The government announced a plan.");
    const response = await search("q=goverment");
    expect(response.status).toBe(200);
    const { document } = parseHTML(await response.text());
    expect(document.querySelector("main input[name=q]")?.getAttribute("value")).toBe("goverment");
    expect(document.querySelector("main")?.textContent).toContain("No articles match");
    expect(document.querySelector('main a[href="/search?q=government"]')?.textContent).toBe("government");
    expect(document.querySelector('meta[name="robots"]')?.getAttribute("content")).toBe("noindex");
    expect((await searchJson("q=goverment")).suggestion).toBe("government");
    // Two edits away (both swaps), found among the words that share the first two letters.
    expect((await searchJson("q=govrenmnet")).suggestion).toBe("government");
  });

  it("refuses over-long queries with a 400 page that says why", async () => {
    const long = await search(`q=${"a".repeat(201)}`);
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("201 characters long");
    const wordy = await request(`/search.json?q=${encodeURIComponent("w ".repeat(33))}`);
    expect(wordy.status).toBe(400);
    expect(((await wordy.json()) as { details: Array<{ field: string }> }).details[0]?.field).toBe("q");
  });

  it("answers 429 with Retry-After past the rate limit", async () => {
    let limited: Response | undefined;
    // The limiter counts in fixed minutes of the wall clock: two windows at most before it refuses.
    for (let i = 0; i < 130 && !limited; i++) {
      const response = await search(`q=word${i}`, "203.0.113.9");
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(200);
    }
    expect(limited?.headers.get("Retry-After")).toBe("60");
    // Another client is not limited.
    expect((await search("q=another")).status).toBe(200);
  });

  it("serves an OpenSearch description that every page advertises", async () => {
    const response = await request("/opensearch.xml");
    expect(response.headers.get("Content-Type")).toContain("application/opensearchdescription+xml");
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(await response.text());
    const urls = parsed.OpenSearchDescription.Url as Array<Record<string, string>>;
    expect(urls.find((u) => u["@_type"] === "text/html")?.["@_template"]).toBe("https://news.example/search?q={searchTerms}");
    await publish("any", { title: "Any", published: secondsFromNow(-60) });
    const article = await (await request("/articles/any")).text();
    expect(article).toContain('<link rel="search" type="application/opensearchdescription+xml"');
    expect(article).toMatch(/<label for="site-search">Search<\/label>/);
  });
});

describe("reindexing", () => {
  const reindex = async (query: string) => {
    const response = await request(`/api/search/reindex?${query}`, { method: "POST", headers: auth });
    expect(response.status).toBe(200);
    return (await response.json()) as { done: number; total: number; next: string | null; indexed: number; removed: number };
  };

  it("rebuilds the index a page at a time, and removes entries of articles that are gone", async () => {
    for (const slug of ["r-1", "r-2", "r-3"])
      await publish(slug, { title: `Reindex ${slug}`, published: secondsFromNow(-60) }, "Narwhal facts.");
    await publish("r-draft", { title: "Draft", published: secondsFromNow(-60), draft: true }, "Narwhal drafts.");
    await env.SEARCH.batch(
      ["entries", "entry_tags", "entry_authors", "entries_fts"].map((t) => env.SEARCH.prepare(`DELETE FROM ${t}`)),
    );
    await putEntries(
      env.SEARCH,
      [
        {
          articleId: "zzz-gone",
          slug: "gone",
          title: "Gone",
          summary: "",
          body: "Narwhal ghosts.",
          section: { slug: "x", name: "X" },
          authors: [],
          tags: [],
          publishedAt: 0,
          revision: 1,
        },
      ],
      clock.now(),
    );
    const first = await reindex("limit=2");
    expect(first).toMatchObject({ done: 2, total: 4 });
    expect(first.next).not.toBeNull();
    let page = first;
    while (page.next !== null) page = await reindex(`after=${encodeURIComponent(page.next)}&limit=2`);
    expect(page.done).toBe(4);
    await emptyCache();
    expect((await found("narwhal")).sort()).toEqual(["r-1", "r-2", "r-3"]);
  }, 30_000);

  it("refuses a bad page size and requests without the editors' token", async () => {
    const bad = await request("/api/search/reindex?limit=0", { method: "POST", headers: auth });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: Array<{ field: string }> }).details[0]?.field).toBe("limit");
    expect((await request("/api/search/reindex", { method: "POST" })).status).toBe(401);
  });
});
