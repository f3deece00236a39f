/**
 * @module bench/search-worker
 * The Worker the search benchmark runs inside workerd (tests/bench/search.ts bundles it): it fills
 * the search database with generated articles through the index's own write path, and times the
 * index's own queries, each with workerd's clock around the D1 call. Nothing here is shipped.
 */
import { putEntries, type SearchEntry } from "../../src/search/entries";
import { parseSearch } from "../../src/search/query";
import { search } from "../../src/search/search";

interface BenchEnv {
  SEARCH: D1Database;
}

/** Entries one D1 batch writes while seeding (a reindex page writes up to 200). */
const SEED_BATCH = 100;
const SECTIONS = ["world", "politics", "business", "science", "sport", "culture", "opinion", "technology"];
const DAY_MS = 86_400_000;

/** A small deterministic PRNG (mulberry32), so every run indexes the same text. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES =
  "ba be bi bo bu ca ce co da de di do fa fe fi fo ga ge go ha he hi ho ja jo ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo wa we za ze zo tion ment ness ing er est al".split(
    " ",
  );

/** A vocabulary of 30,000 made-up words; text draws from it with Zipf's law, as English does. */
export const VOCABULARY: string[] = (() => {
  const next = random(7);
  const words = new Set<string>();
  while (words.size < 30_000) {
    const length = 1 + Math.floor(next() * 3.2);
    let word = "";
    for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
})();

// Zipf with s = 1: the cumulative weights, searched by bisection.
const CUMULATIVE = (() => {
  const weights = VOCABULARY.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
})();

function zipfWord(next: () => number): string {
  const r = next();
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((CUMULATIVE[mid] ?? 1) < r) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo] ?? "word";
}

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(zipfWord(next));
  const text = out.join(" ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** The `n`th generated article: a headline, a summary, and 400 to 1,000 words of body (a news story's length). */
export function generatedEntry(n: number, now: number): SearchEntry {
  const next = random(n + 1);
  const paragraphs: string[] = [];
  const bodyWords = 400 + Math.floor(next() * 600);
  for (let words = 0; words < bodyWords; ) {
    const length = 40 + Math.floor(next() * 60);
    const sentences: string[] = [];
    for (let w = 0; w < length; ) {
      const s = 8 + Math.floor(next() * 18);
      sentences.push(sentence(next, s));
      w += s;
    }
    paragraphs.push(sentences.join(" "));
    words += length;
  }
  const section = SECTIONS[n % SECTIONS.length] ?? "world";
  return {
    articleId: `bench-${String(n).padStart(7, "0")}`,
    slug: `bench-article-${n}`,
    title: sentence(next, 6 + Math.floor(next() * 6)).slice(0, -1),
    summary: sentence(next, 25),
    body: paragraphs.join("\n"),
    section: { slug: section, name: section.charAt(0).toUpperCase() + section.slice(1) },
    authors: [{ slug: `author-${n % 200}`, name: `Author ${n % 200}` }],
    tags: [{ slug: `tag-${n % 500}`, name: `Tag ${n % 500}` }],
    // Spread over ten years, one article about every 53 minutes at 100,000.
    publishedAt: now - Math.floor(next() * 3650) * DAY_MS,
    revision: 1,
  };
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const url = new URL(request.url);
    const now = Number(url.searchParams.get("now") ?? Date.now());
    if (url.pathname === "/migrate") {
      const statements = (await request.json()) as string[];
      for (const sql of statements) await env.SEARCH.prepare(sql).run();
      return Response.json({ ok: true });
    }
    if (url.pathname === "/seed") {
      // Generating text is the benchmark's cost, not the index's: only the writes are timed.
      const from = Number(url.searchParams.get("from"));
      const count = Number(url.searchParams.get("count"));
      let writeMs = 0;
      for (let i = from; i < from + count; i += SEED_BATCH) {
        const entries = [];
        for (let n = i; n < Math.min(from + count, i + SEED_BATCH); n++) entries.push(generatedEntry(n, now));
        const started = performance.now();
        await putEntries(env.SEARCH, entries, now);
        writeMs += performance.now() - started;
      }
      return Response.json({ writeMs });
    }
    if (url.pathname === "/search") {
      const parsed = parseSearch(url.searchParams);
      if (!parsed.ok) return Response.json({ error: parsed.problem }, { status: 400 });
      const started = performance.now();
      const results = await search(env.SEARCH, parsed.request, now);
      return Response.json({ ms: performance.now() - started, total: results.total, suggestion: results.suggestion });
    }
    if (url.pathname === "/size") {
      const result = await env.SEARCH.prepare("SELECT COUNT(*) AS n FROM entries").first<{ n: number }>();
      const meta = await env.SEARCH.prepare("SELECT 1").run();
      return Response.json({ entries: result?.n ?? 0, bytes: meta.meta.size_after });
    }
    if (url.pathname === "/words") {
      // Words of a generated article, for phrase queries that are known to occur.
      return Response.json(
        generatedEntry(Number(url.searchParams.get("n")), now)
          .body.split(/\s+/)
          .slice(0, 200),
      );
    }
    return new Response("not found", { status: 404 });
  },
};
