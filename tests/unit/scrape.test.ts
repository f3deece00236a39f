import { describe, expect, it } from "vitest";
import handMade from "../../articles/chinese-foreign-minister-will-visit-russia-to-discuss-ukraine-peace-push.md?raw";
import {
  altFromCaption,
  cleanScrape,
  escapeMarkdown,
  findNearDuplicates,
  formatArticleFile,
  inferPublicationDate,
  type ScrapeResult,
  slugify,
} from "../../src/cli/scrape/index";
import { renderMarkdown } from "../../src/core/markdown";
import { parseArticleFile } from "../../src/core/source";
import seed from "../fixtures/seed-000.txt?raw";

const TITLE = "Chinese Foreign Minister Will Visit Russia to Discuss Ukraine Peace Push";
const CAPTION_LINE = /^.*\(Source: Getty Images\)\n/m;
const NEAR_DUPLICATE = "China itslef claims neutrality";

function imported(result: ScrapeResult) {
  if (!result.ok) throw new Error(`expected an article, got ${JSON.stringify(result.problems)}`);
  return result.article;
}

function paragraphs(body: string): string[] {
  return body.split(/\n{2,}/).map((p) => p.trim());
}

describe("cleanScrape on the seed", () => {
  const result = cleanScrape(seed);
  const article = imported(result);

  it("detects the title, category, caption, credit and an alt text", () => {
    expect(article.title).toBe(TITLE);
    expect(article.category).toBe("Latest news");
    expect(article.authors).toEqual([]);
    expect(article.image).toEqual({
      alt: "Chinese Foreign Minister Wang Yi held a press conference with French Foreign Minister Jean-Noel Barrot at Diaoyutai State Guest House in Beijing",
      caption:
        "Chinese Foreign Minister Wang Yi held a press conference with French Foreign Minister Jean-Noel Barrot at Diaoyutai State Guest House in Beijing on March 27, 2025.",
      credit: "Getty Images",
    });
    expect(article.image).not.toHaveProperty("url");
    expect(result.detected.category?.from).toBe("header");
  });

  it("infers the first Friday after the caption's date, at noon UTC, and says how", () => {
    expect(article.published).toBe("2025-03-28T12:00:00Z");
    expect(result.detected.published?.from).toBe("inferred");
    expect(result.detected.published?.how).toContain("first Friday on or after 2025-03-27");
    expect(result.detected.published?.how).toContain('"confirmed on Friday"');
    expect(result.detected.published?.how).toContain("noon UTC");
  });

  it("removes the noise lines and the exact repeat, each with a reason", () => {
    expect(result.removed.map(({ line, text }) => [line, text])).toEqual([
      [6, "3 min read"],
      [7, "Authors"],
      [8, TITLE],
      [27, "The visit underscores continued high-level engagement between Beijing and Moscow."],
      [43, "See all"],
    ]);
    expect(result.removed[3]?.reason).toBe("repeats paragraph 2 (line 13) word for word");
    for (const removed of result.removed) expect(removed.reason).not.toBe("");
  });

  it("replaces non-breaking spaces and keeps one copy of each repeated paragraph", () => {
    expect(article.body).not.toContain("\u00A0");
    expect(result.detected.normalized).toEqual(["78 non-breaking spaces → ordinary spaces"]);
    expect(article.body.split("The visit underscores").length).toBe(2);
    expect(article.body).not.toContain("See all");
    expect(article.body).not.toContain("min read");
  });

  it("keeps the near-duplicate paragraph and warns with both positions and the similarity", () => {
    const nearDuplicates = result.warnings.filter((w) => w.kind === "near-duplicate");
    expect(nearDuplicates).toHaveLength(1);
    const [warning] = nearDuplicates;
    if (warning?.kind !== "near-duplicate") throw new Error("expected a near-duplicate warning");
    expect(warning.at).toEqual({ paragraph: 9, line: 29 });
    expect(warning.earlier).toEqual([
      { paragraph: 3, line: 15 },
      { paragraph: 4, line: 17 },
    ]);
    expect(warning.similarity).toBeGreaterThan(0.85);
    expect(warning.message).toMatch(/paragraph 9 .*paragraph 3 .*paragraph 4 .*\d+%/);
    expect(paragraphs(article.body)[8]).toMatch(new RegExp(`^${NEAR_DUPLICATE}`));
  });

  it("gives the hand-made article's paragraphs, plus the near-duplicate one", () => {
    const handMadeBody = handMade.replace(/^---\n[\s\S]*?\n---\n/, "");
    const expected = paragraphs(handMadeBody.trim());
    const actual = paragraphs(article.body);
    expect(actual.filter((p) => !p.startsWith(NEAR_DUPLICATE))).toEqual(expected);
    expect(actual).toHaveLength(expected.length + 1);
  });

  it("writes a file that passes the article schema with the same fields", () => {
    const file = formatArticleFile(article, ["published was inferred"]);
    const parsed = parseArticleFile(file);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const { body, ...fields } = article;
    expect(parsed.value).toMatchObject(fields);
    expect(parsed.value.body.trim()).toBe(body);
    expect(file.startsWith("---\n# published was inferred\n")).toBe(true);
    expect(slugify(article.title)).toBe("chinese-foreign-minister-will-visit-russia-to-discuss-ukraine-peace-push");
  });
});

describe("cleanScrape on variants of the seed", () => {
  const seedArticle = imported(cleanScrape(seed));

  it("without the caption: no image, and the date must be given", () => {
    const raw = seed.replace(CAPTION_LINE, "");
    const failed = cleanScrape(raw);
    expect(failed.ok).toBe(false);
    if (failed.ok) return;
    expect(failed.problems).toEqual([{ field: "published", problem: expect.stringContaining("could not be inferred") }]);
    expect(failed.detected.title).toBe(TITLE);

    const given = cleanScrape(raw, { published: "2025-03-28T09:30:00+01:00" });
    const article = imported(given);
    expect(article.image).toBeUndefined();
    expect(article.published).toBe("2025-03-28T09:30:00+01:00");
    expect(given.detected.published).toMatchObject({ from: "option", how: "given" });
    expect(given.warnings.some((w) => w.kind === "check" && w.field === "image.alt")).toBe(false);
  });

  it("a breadcrumb run together with the headline: the crumbs go, the headline stays", () => {
    // The seed's headline lines, however their spaces are written.
    const headline = new RegExp(`^${TITLE.replaceAll(" ", "\\s")}$`, "gm");
    const withCrumbs = (crumbs: string) =>
      seed.replace("Category\nLatest news\n", "").replace(headline, (line) => `${crumbs}${line}`);
    for (const crumbs of ["HomeNational", "HomeWorldAsia", "WorldAsia", "Home"]) {
      const result = cleanScrape(withCrumbs(crumbs));
      expect(imported(result).title, crumbs).toBe(TITLE);
      expect(result.detected.normalized.join(" "), crumbs).toContain(`breadcrumb "${crumbs}" split from the headline`);
    }
    // The last crumb names the section, as a breadcrumb on its own line does.
    const national = cleanScrape(withCrumbs("HomeNational"));
    expect(imported(national).category).toBe("National");
    // A headline that only starts with a section's word, or is one run-together name, stays whole.
    for (const title of [
      "World Cup Final Ends in a Draw",
      "WorldCom Files for Bankruptcy Protection",
      "Homeowners Face Higher Rates",
    ]) {
      const raw = seed.replace(headline, title);
      expect(imported(cleanScrape(raw)).title, title).toBe(title);
    }
  });

  it("a bare --published date means noon UTC", () => {
    const result = cleanScrape(seed, { published: "2025-03-29" });
    expect(imported(result).published).toBe("2025-03-29T12:00:00Z");
    expect(result.detected.published?.how).toContain("noon UTC");
  });

  it('keeps the names under an "Authors" label as authors', () => {
    const one = cleanScrape(seed.replace("Authors\n", "Authors\nJane Doe\n"));
    expect(imported(one).authors).toEqual(["Jane Doe"]);
    expect(one.removed.map((r) => r.text)).not.toContain("Authors");
    expect(one.removed.map((r) => r.text)).not.toContain("Jane Doe");
    expect(one.removed.map((r) => r.text)).toContain(TITLE);

    const several = cleanScrape(seed.replace("Authors\n", "Authors\nJane Doe, Li Wei and Ana María López\n"));
    expect(imported(several).authors).toEqual(["Jane Doe", "Li Wei", "Ana María López"]);
  });

  it('removes any "N min read" line', () => {
    const result = cleanScrape(seed.replace("3 min read", "5 min read"));
    expect(result.removed).toContainEqual({ line: 6, text: "5 min read", reason: expect.stringContaining("reading time") });
    expect(imported(result).body).toBe(seedArticle.body);
  });

  it("drops every extra word-for-word repeat, keeping the first", () => {
    const first = "Chinese Foreign Minister Wang Yi\u00A0will visit Russia";
    const firstParagraph = seed.split("\n").find((line) => line.startsWith(first)) ?? "";
    const raw = seed.replace("See all", `${firstParagraph}\n\n${firstParagraph}\n\nSee all`);
    const result = cleanScrape(raw);
    const repeats = result.removed.filter((r) => r.reason.startsWith("repeats paragraph 1 "));
    expect(repeats.map((r) => r.line)).toEqual([43, 45]);
    expect(imported(result).body).toBe(seedArticle.body);
  });

  it("reads CRLF line endings exactly like LF ones", () => {
    const lf = cleanScrape(seed);
    const crlf = cleanScrape(seed.replace(/\n/g, "\r\n"));
    expect(imported(crlf)).toEqual(imported(lf));
    expect(crlf.removed).toEqual(lf.removed);
    expect(crlf.warnings).toEqual(lf.warnings);
    expect(crlf.detected.normalized[0]).toMatch(/^\d+ CRLF line endings → LF$/);
  });

  it('without "See all": nothing else is lost', () => {
    const result = cleanScrape(seed.replace(/\n+See all$/, "\n"));
    expect(result.removed.map((r) => r.text)).not.toContain("See all");
    expect(imported(result).body).toBe(seedArticle.body);
  });

  it("without a category header: a placeholder and a warning, or the default given", () => {
    const raw = seed.replace("Category\nLatest news\n", "");
    const placeholder = cleanScrape(raw);
    expect(imported(placeholder).category).toBe("Uncategorised");
    expect(placeholder.detected.category).toEqual({ value: "Uncategorised", from: "placeholder" });
    expect(placeholder.warnings).toContainEqual({
      kind: "check",
      field: "category",
      message: expect.stringContaining("--category"),
    });
    expect(placeholder.detected.title).toBe(TITLE);

    const given = cleanScrape(raw, { category: "World" });
    expect(imported(given).category).toBe("World");
    expect(given.detected.category).toEqual({ value: "World", from: "option" });
    expect(imported(given).body).toBe(seedArticle.body);
  });

  it("a --category default does not replace the page's own category header", () => {
    const result = cleanScrape(seed, { category: "World", categoryFrom: "environment" });
    expect(result.detected.category).toEqual({ value: "Latest news", from: "header" });
  });

  it("reports a missing title and body instead of inventing them", () => {
    const result = cleanScrape("\n \n", { category: "News", published: "2025-03-28" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.field)).toEqual(["title", "body"]);
  });
});

describe("slugify", () => {
  it("transliterates accents and joins lower-case words with hyphens", () => {
    expect(slugify("Stéphane Séjourné à Pékin")).toBe("stephane-sejourne-a-pekin");
    expect(slugify("Straße, Æsir & Łódź!")).toBe("strasse-aesir-lodz");
    expect(slugify("Wang Yi’s visit: 2025")).toBe("wang-yis-visit-2025");
    expect(slugify("中国")).toBe("");
  });

  it("cuts long titles on a word boundary within 100 characters", () => {
    const slug = slugify("word ".repeat(40));
    expect(slug.length).toBeLessThanOrEqual(100);
    expect(slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(slug.endsWith("-word")).toBe(true);
  });
});

describe("inferPublicationDate", () => {
  it("takes the first weekday on or after the caption's date", () => {
    expect(inferPublicationDate("Taken on March 27, 2025.", ["It was confirmed on Friday."])).toMatchObject({
      ok: true,
      date: "2025-03-28",
    });
    // The caption's own weekday is that very day; "27 March 2025" is read too.
    expect(inferPublicationDate("Taken 27 March 2025.", ["They met on Thursday."])).toMatchObject({ date: "2025-03-27" });
    expect(inferPublicationDate("Taken on March 27, 2025.", ["It ends Wednesday."])).toMatchObject({ date: "2025-04-02" });
  });

  it("ignores relative weekdays, and falls back to the caption's date", () => {
    const result = inferPublicationDate("Taken on March 27, 2025.", ["Talks began last Monday and recur every Tuesday."]);
    expect(result).toMatchObject({ ok: true, date: "2025-03-27", weekday: false });
  });

  it("fails without a dated caption", () => {
    expect(inferPublicationDate(undefined, ["on Friday"])).toMatchObject({ ok: false });
    expect(inferPublicationDate("A photo.", ["on Friday"])).toMatchObject({ ok: false, reason: "the caption has no date" });
    expect(inferPublicationDate("On February 30, 2025.", ["on Friday"])).toMatchObject({ ok: false });
  });
});

describe("findNearDuplicates", () => {
  const a = "The ministers met in Beijing to discuss trade, security and the war in Ukraine for several hours.";
  const b = "Officials said the talks were frank and that a further round is planned for the spring in Moscow.";
  const c = "Markets rose modestly after the announcement, with shipping and energy shares leading the gains.";

  it("finds a lightly edited repeat", () => {
    const edited = "The ministers met in Beijing to discuss trade, security and the war in Ukraine for many hours.";
    expect(findNearDuplicates([a, b, edited])).toEqual([{ index: 2, earlier: [0], relation: "repeats", similarity: 0.87 }]);
  });

  it("finds two earlier paragraphs run together", () => {
    expect(findNearDuplicates([a, c, b, `${a} ${b}`])).toEqual([
      { index: 3, earlier: [0, 2], relation: "combines", similarity: expect.any(Number) },
    ]);
  });

  it("finds an earlier paragraph repeated inside a longer one", () => {
    const longer = `${b} ${c} They also agreed to meet again before the summer and to publish a joint statement.`;
    expect(findNearDuplicates([b, longer])).toEqual([{ index: 1, earlier: [0], relation: "contains", similarity: 1 }]);
  });

  it("leaves distinct paragraphs and short lines alone", () => {
    expect(findNearDuplicates([a, b, c])).toEqual([]);
    expect(findNearDuplicates(["Yes, he said.", "Yes, he said again."])).toEqual([]);
  });
});

describe("altFromCaption and escapeMarkdown", () => {
  it("takes the caption's first sentence without its date", () => {
    expect(altFromCaption("U.S. envoy Steve Witkoff in Riyadh on Monday, March 24, 2025. Talks went on late.")).toBe(
      "U.S. envoy Steve Witkoff in Riyadh",
    );
    expect(altFromCaption("A crowd in Kyiv.")).toBe("A crowd in Kyiv");
  });

  it("keeps scraped text as plain text when rendered", () => {
    const text = "1. *Not* a list, <b>not</b> HTML, [not](a-link) and &amp; not an entity_name";
    expect(renderMarkdown(escapeMarkdown(text))).toBe(
      "<p>1. *Not* a list, &lt;b&gt;not&lt;/b&gt; HTML, [not](a-link) and &amp;amp; not an entity_name</p>\n",
    );
    expect(renderMarkdown(escapeMarkdown("# Not a heading"))).toBe("<p># Not a heading</p>\n");
    expect(escapeMarkdown("Plain “quoted” text, 3 > 2.")).toBe("Plain “quoted” text, 3 > 2.");
  });
});
