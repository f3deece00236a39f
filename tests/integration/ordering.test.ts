/**
 * Written in order: whatever order the queue delivers the work of a burst of saves in (listings
 * before pages, a page's batch retried, a batch delivered twice), no listing, feed or sitemap ever
 * links an article page that is not in KV.
 */
import { describe, expect, it } from "vitest";
import type { MessageBody as PipelineMessage } from "../../src/pipeline/messages";
import { articleFile, clock, deliverBatch, drainQueues, emptyCache, request, requestOnly, TOKEN, takeQueued } from "./helpers";

/** The documents a crawler starts from: the home page, a section, every feed, the sitemaps. */
const ENTRY_POINTS = [
  "/",
  "/rss.xml",
  "/atom.xml",
  "/feed.json",
  "/sections/tests",
  "/sections/tests/rss.xml",
  "/sections/tests/feed.json",
  "/sitemap.xml",
  "/news-sitemap.xml",
  "/corrections",
];

/**
 * Every article path a document links: an HTML `href`, an RSS `<link>`, an Atom `<link href>`, a JSON
 * Feed `url`, a sitemap `<loc>`. (A feed item's id keeps the article's first permalink for ever, as
 * feeds require, and is no link.)
 */
const articleLinks = (text: string): string[] => [
  ...new Set(
    [...text.matchAll(/(?:href="|<link>|"url":\s*"|<loc>)(?:https:\/\/news\.example)?(\/articles\/[a-z0-9-]+)(?:["<#])/g)].map(
      (m) => m[1] as string,
    ),
  ),
];
/** The child sitemaps the sitemap index names. */
const childSitemaps = (text: string): string[] =>
  [...text.matchAll(/<loc>https:\/\/news\.example(\/sitemaps\/[^<]+)<\/loc>/g)].map((m) => m[1] as string);

/** Follows every link from the entry points, as a crawler would; resolves the article links that answer no page. */
async function brokenLinks(): Promise<{ linked: string[]; broken: string[] }> {
  await emptyCache();
  const documents = [...ENTRY_POINTS];
  const linked = new Set<string>();
  for (let i = 0; i < documents.length; i++) {
    const response = await requestOnly(documents[i] as string);
    if (response.status !== 200) continue;
    const text = await response.text();
    for (const child of childSitemaps(text)) if (!documents.includes(child)) documents.push(child);
    for (const link of articleLinks(text)) linked.add(link);
  }
  const broken: string[] = [];
  for (const link of linked) if ((await requestOnly(link)).status !== 200) broken.push(link);
  return { linked: [...linked].sort(), broken };
}

/** Saves `count` new articles in the section "Tests" and takes their queued work, undelivered. */
async function saveBurst(prefix: string, count: number): Promise<PipelineMessage[]> {
  for (let i = 0; i < count; i++) {
    const response = await requestOnly(`/api/articles/${prefix}-${i}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown" },
      body: articleFile({ title: `${prefix} ${i}`, published: new Date(clock.now() - (count - i) * 60_000).toISOString() }),
    });
    expect(response.status).toBe(201);
  }
  return takeQueued();
}

const pages = (messages: PipelineMessage[]) => messages.filter((m) => m.kind === "article");
const others = (messages: PipelineMessage[]) => messages.filter((m) => m.kind !== "article");

describe("written in order", () => {
  it("never links a page before it is in KV, with listings delivered first, pages retried and batches twice", async () => {
    // One article already published, so the listings exist before the burst.
    await request("/api/articles/first", {
      method: "PUT",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown" },
      body: articleFile({ title: "First", published: new Date(clock.now() - 3_600_000).toISOString() }),
    });
    expect((await brokenLinks()).linked).toEqual(["/articles/first"]);

    const work = await saveBurst("burst", 4);
    expect(pages(work)).toHaveLength(4);
    // The listings' work arrives first, twice: every listing, feed and sitemap is built before any page.
    await deliverBatch(others(work));
    await deliverBatch(others(work), 2);
    let crawl = await brokenLinks();
    expect(crawl.broken).toEqual([]);
    expect(crawl.linked).toEqual(["/articles/first"]);

    // Half the pages arrive, in a batch that is then retried; the listings built meanwhile are sent again.
    const [firstHalf, secondHalf] = [pages(work).slice(0, 2), pages(work).slice(2)];
    await deliverBatch(firstHalf);
    await deliverBatch(firstHalf, 2);
    crawl = await brokenLinks();
    expect(crawl.broken).toEqual([]);
    // What the page writes queued again: the listings, built now, list the two pages there are.
    const requeued = takeQueued();
    expect(requeued.filter((m) => m.kind === "listing").map((m) => m.target)).toContain("home");
    await deliverBatch(requeued);
    crawl = await brokenLinks();
    expect(crawl.broken).toEqual([]);
    expect(crawl.linked).toEqual(["/articles/burst-0", "/articles/burst-1", "/articles/first"]);

    // The rest of the pages, delivered twice, and whatever they leave: every article listed, every link alive.
    await deliverBatch(secondHalf);
    await deliverBatch(secondHalf, 2);
    expect((await brokenLinks()).broken).toEqual([]);
    await drainQueues();
    crawl = await brokenLinks();
    expect(crawl.broken).toEqual([]);
    expect(crawl.linked).toEqual([
      "/articles/burst-0",
      "/articles/burst-1",
      "/articles/burst-2",
      "/articles/burst-3",
      "/articles/first",
    ]);
  }, 60_000);

  it("leaves a moved article out of its listings until its page at the new slug is written", async () => {
    await request("/api/articles/before", {
      method: "PUT",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "text/markdown" },
      body: articleFile({ title: "Before", published: new Date(clock.now() - 3_600_000).toISOString() }),
    });
    const moved = await requestOnly("/api/articles/before/move", {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ to: "after" }),
    });
    expect(moved.status).toBe(200);
    const work = takeQueued();
    await deliverBatch(others(work));
    const crawl = await brokenLinks();
    expect(crawl.broken).toEqual([]);
    expect(crawl.linked).not.toContain("/articles/after");
    await deliverBatch(pages(work));
    await drainQueues();
    expect(await brokenLinks()).toEqual({ linked: ["/articles/after"], broken: [] });
  }, 60_000);
});
