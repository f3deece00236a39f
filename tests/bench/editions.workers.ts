/**
 * @module bench/editions
 * The targets of issue 23 for a site with editions, measured inside workerd against real D1, KV and
 * queues (the integration tests' harness), with KV's writes counted through a Proxy around the real
 * namespace:
 *
 * 1. With five editions configured, the KV writes of one save equal a one-edition site's, plus one
 *    per other page of the saved article's translation group.
 * 2. A section renamed in one edition, over N articles spread evenly across five editions, rebuilds
 *    that edition's pages only; the projection to 10,000 articles assumes the same even spread
 *    (2,000 an edition) and that a page costs what it costs here.
 *
 * Run by `npm run bench` (tests/bench/run.ts) or alone with BENCH_ONLY=editions; vitest.config.ts
 * includes this file only then. It prints figures and MET / NOT MET, and fails nothing.
 */
import { env } from "cloudflare:workers";
import { it } from "vitest";
import { articleFile, drainQueues, request, TOKEN } from "../integration/helpers";

const auth = { Authorization: `Bearer ${TOKEN}` };
const EDITIONS = ["es", "fr", "ar", "de"] as const;
/** Articles in the rename's run: 10 an edition, publishing through the API in one workerd. */
const N = 50;

/** KV's writes and deletes, by key, through a Proxy around the real namespace. */
function countingKv(kv: KVNamespace): { kv: KVNamespace; writes: string[]; reset: () => void } {
  const writes: string[] = [];
  const proxy = new Proxy(kv, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "put" && property !== "delete") return typeof value === "function" ? value.bind(target) : value;
      return (key: string, ...rest: unknown[]) => {
        writes.push(key);
        return (value as (...args: unknown[]) => Promise<unknown>).call(target, key, ...rest);
      };
    },
  });
  return { kv: proxy, writes, reset: () => void writes.splice(0) };
}

async function call(path: string, method: string, body: string, type: string, settings = {}): Promise<Response> {
  const response = await request(path, { method, headers: { ...auth, "Content-Type": type }, body }, settings);
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

const edition = (lang: string) =>
  call(`/api/editions/${lang}`, "PUT", JSON.stringify({ name: lang, title: `Broadsheet ${lang}` }), "application/json");
const save = (slug: string, fields: Record<string, unknown>, settings = {}) =>
  call(
    `/api/articles/${slug}`,
    "PUT",
    articleFile({ category: "World", tags: ["Elections"], authors: ["Ana Reyes"], ...fields }),
    "text/markdown",
    settings,
  );

const verdict = (met: boolean): string => (met ? "MET" : "NOT MET");

it("KV writes per save: five editions against one", async () => {
  const counter = countingKv(env.ARTICLES);
  const settings = { ARTICLES: counter.kv };
  // A one-edition site: an article and two others beside it.
  await save("one", { title: "One" });
  await save("two", { title: "Two" });
  await save("story", { title: "The story" });
  await drainQueues();
  counter.reset();
  await save("story", { title: "The story, updated" }, settings);
  const oneEdition = [...counter.writes];

  // The same site with five editions, the story translated into each.
  for (const lang of EDITIONS) await edition(lang);
  for (const lang of EDITIONS) {
    await save(`one-${lang}`, { title: `One ${lang}`, language: lang });
    await save(`story-${lang}`, { title: `Story ${lang}`, language: lang, translationOf: "story" });
  }
  await drainQueues();
  counter.reset();
  await save("story-es", { title: "Story es, updated", language: "es", translationOf: "story" }, settings);
  const fiveEditions = [...counter.writes];
  const group = EDITIONS.length + 1;
  const expected = oneEdition.length + (group - 1);
  console.log(
    `\n[editions] KV writes of one save: one edition ${oneEdition.length}; five editions, a group of ${group} ` +
      `${fiveEditions.length} (target: ${oneEdition.length} + ${group - 1} = ${expected}): ${verdict(fiveEditions.length <= expected)}`,
  );
  console.log(`  one edition: ${oneEdition.sort().join(" ")}`);
  console.log(`  five editions: ${fiveEditions.sort().join(" ")}`);
}, 300_000);

it("A section renamed in one edition rebuilds that edition's pages only", async () => {
  const counter = countingKv(env.ARTICLES);
  for (const lang of EDITIONS) await edition(lang);
  const langs = ["en", ...EDITIONS];
  const started = Date.now();
  for (let i = 0; i < N; i++) {
    const lang = langs[i % langs.length] ?? "en";
    await save(`a-${i}`, { title: `Article ${i}`, language: lang });
  }
  await drainQueues();
  const publishSeconds = (Date.now() - started) / 1000;
  counter.reset();
  const renameStarted = Date.now();
  await call("/api/sections/world", "PUT", JSON.stringify({ names: { es: "Mundo" } }), "application/json", {
    ARTICLES: counter.kv,
  });
  const renameSeconds = (Date.now() - renameStarted) / 1000;
  const pages = counter.writes.filter((key) => key.startsWith("page:")).map((key) => key.slice("page:".length));
  const spanish = new Set(
    Array.from({ length: N }, (_, i) => i)
      .filter((i) => i % langs.length === 1)
      .map((i) => `a-${i}`),
  );
  const others = pages.filter((slug) => !spanish.has(slug));
  const otherDocuments = counter.writes.filter(
    (key) => !key.startsWith("page:") && !/^(listing|index|archive|nav):es\//.test(key),
  );
  const perEdition = N / langs.length;
  console.log(
    `\n[editions] section renamed in es over ${N} articles in five editions (${publishSeconds.toFixed(1)} s to publish): ` +
      `${pages.length} article pages rewritten (target: the ${perEdition} Spanish ones, none of another edition): ` +
      `${verdict(others.length === 0 && new Set(pages).size === spanish.size)}; ` +
      `${counter.writes.length} KV writes in all, ${otherDocuments.length} outside the Spanish edition (${otherDocuments.join(" ") || "none"}); ${renameSeconds.toFixed(1)} s`,
  );
  const perPage = renameSeconds / Math.max(1, pages.length);
  console.log(
    "  projection to 10,000 articles, assuming an even spread over five editions (2,000 an edition) and this run's time a page: " +
      `${(2000).toLocaleString("en")} pages rebuilt, not 10,000; about ${(2000 * perPage).toFixed(0)} s here in one workerd ` +
      "(production spreads pages over concurrent queue consumers: docs/benchmark.md)",
  );
}, 600_000);
