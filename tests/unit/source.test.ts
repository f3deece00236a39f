import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/core/limits";
import type { ArticleInput, FieldProblem, Validated } from "../../src/core/schema";
import { parseArticleFile, parseArticleJson } from "../../src/core/source";
import { buildArticle, contentVersion, validateSlug } from "../../src/editorial/article";

const REQUIRED = ["title: A title", "published: 2025-03-28T09:00:00Z", "category: Latest news"];

/** An article file from frontmatter lines and a body. */
function articleFile(frontmatter: string[] = REQUIRED, body = "\nThe first paragraph.\n"): string {
  return `---\n${frontmatter.join("\n")}\n---\n${body}`;
}

/** The required fields with one line replaced, added or (with `undefined`) removed. */
function withField(name: string, line?: string): string[] {
  const kept = REQUIRED.filter((l) => !l.startsWith(`${name}:`));
  return line === undefined ? kept : [...kept, line];
}

function validValue<T>(result: Validated<T>): T {
  if (!result.ok) throw new Error(`expected a valid article, got ${JSON.stringify(result.problems)}`);
  return result.value;
}

function problemsOf<T>(result: Validated<T>): FieldProblem[] {
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

function fieldsOf<T>(result: Validated<T>): string[] {
  return problemsOf(result).map((p) => p.field);
}

function validInput(overrides: Partial<ArticleInput> = {}): ArticleInput {
  return validValue(
    parseArticleJson({
      title: "A title",
      published: "2025-03-28T09:00:00Z",
      category: "Latest news",
      body: "Text.",
      ...overrides,
    }),
  );
}

describe("parseArticleFile", () => {
  it("reads a complete file into fields and body", () => {
    const file = articleFile([
      ...REQUIRED,
      "updated: 2025-03-29T10:00:00+01:00",
      "authors: [Ann O'Neil, Bob Smith]",
      "summary: In short.",
      "image:",
      "  url: https://img.example/a.jpg",
      "  alt: A harbour at dawn",
      "  caption: The harbour.",
      "  credit: Jane Doe",
      "tags: [China, Russia]",
      "draft: true",
    ]);
    expect(validValue(parseArticleFile(file))).toEqual({
      title: "A title",
      published: "2025-03-28T09:00:00Z",
      updated: "2025-03-29T10:00:00+01:00",
      category: "Latest news",
      authors: ["Ann O'Neil", "Bob Smith"],
      summary: "In short.",
      image: { url: "https://img.example/a.jpg", alt: "A harbour at dawn", caption: "The harbour.", credit: "Jane Doe" },
      tags: ["China", "Russia"],
      draft: true,
      body: "The first paragraph.\n",
    });
  });

  it("drops blank lines around the body and ends it with one newline", () => {
    const value = validValue(parseArticleFile(articleFile(REQUIRED, "\n\n    indented code\n\nText.  \n\n\n")));
    // The first line's indentation is Markdown (a code block), so only whole blank lines go.
    expect(value.body).toBe("    indented code\n\nText.\n");
  });

  it("fills in defaults: no authors, no tags, not a draft", () => {
    const value = validValue(parseArticleFile(articleFile()));
    expect(value.authors).toEqual([]);
    expect(value.tags).toEqual([]);
    expect(value.draft).toBe(false);
    expect(value.summary).toBeUndefined();
    expect(value.image).toBeUndefined();
  });

  it("trims text fields", () => {
    const value = validValue(parseArticleFile(articleFile(withField("title", 'title: "  Spaced  "'))));
    expect(value.title).toBe("Spaced");
  });

  it("accepts Windows line endings and a byte-order mark", () => {
    const crlf = articleFile().replaceAll("\n", "\r\n");
    expect(validValue(parseArticleFile(crlf)).title).toBe("A title");
    expect(validValue(parseArticleFile(`\uFEFF${articleFile()}`)).title).toBe("A title");
  });

  it("keeps a --- rule inside the body as part of the body", () => {
    const value = validValue(parseArticleFile(articleFile(REQUIRED, "Above\n\n---\n\nBelow\n")));
    expect(value.body).toBe("Above\n\n---\n\nBelow\n");
  });

  it.each(["title", "published", "category"])("names the missing required field %s", (name) => {
    expect(problemsOf(parseArticleFile(articleFile(withField(name))))).toEqual([{ field: name, problem: "is required" }]);
  });

  it("lists every missing field at once", () => {
    expect(fieldsOf(parseArticleFile(articleFile([])))).toEqual(["title", "published", "category"]);
  });

  it("rejects an empty title", () => {
    expect(problemsOf(parseArticleFile(articleFile(withField("title", 'title: "   "'))))).toEqual([
      { field: "title", problem: "must not be empty" },
    ]);
  });

  it("rejects a date-time without a time zone", () => {
    const [problem, ...rest] = problemsOf(
      parseArticleFile(articleFile(withField("published", "published: 2025-03-28T09:00:00"))),
    );
    expect(rest).toEqual([]);
    expect(problem?.field).toBe("published");
    expect(problem?.problem).toMatch(/time zone/);
  });

  it("rejects a date without a time", () => {
    expect(fieldsOf(parseArticleFile(articleFile(withField("published", "published: 2025-03-28"))))).toEqual(["published"]);
  });

  it("rejects a month that does not exist", () => {
    const [problem] = problemsOf(parseArticleFile(articleFile(withField("published", "published: 2025-13-01T00:00:00Z"))));
    expect(problem).toEqual({ field: "published", problem: "is not a real date" });
  });

  it("rejects a day that does not exist in its month (2025-02-30)", () => {
    const [problem] = problemsOf(parseArticleFile(articleFile(withField("published", "published: 2025-02-30T00:00:00Z"))));
    expect(problem).toEqual({ field: "published", problem: "is not a real date" });
  });

  it("rejects updated before published", () => {
    const file = articleFile([...REQUIRED, "updated: 2025-03-28T08:59:59Z"]);
    expect(problemsOf(parseArticleFile(file))).toEqual([{ field: "updated", problem: "must not be earlier than published" }]);
  });

  it("compares updated and published as moments, not as text", () => {
    // 10:30 at UTC+2 is 08:30Z: earlier than 09:00Z, although the text sorts later.
    expect(fieldsOf(parseArticleFile(articleFile([...REQUIRED, "updated: 2025-03-28T10:30:00+02:00"])))).toEqual(["updated"]);
    expect(validValue(parseArticleFile(articleFile([...REQUIRED, "updated: 2025-03-28T09:00:00Z"]))).updated).toBe(
      "2025-03-28T09:00:00Z",
    );
  });

  it("names an unknown field, such as a typo", () => {
    const problems = problemsOf(parseArticleFile(articleFile([...withField("category"), "categroy: Latest news"])));
    expect(problems).toContainEqual({ field: "categroy", problem: "is not a known field" });
    expect(problems).toContainEqual({ field: "category", problem: "is required" });
  });

  it("reports broken YAML with its position", () => {
    const [problem, ...rest] = problemsOf(parseArticleFile(articleFile(["title: [unclosed", ...REQUIRED.slice(1)])));
    expect(rest).toEqual([]);
    expect(problem?.field).toBe("frontmatter");
    expect(problem?.problem).toMatch(/^is not valid YAML: .*\(\d+:\d+\)$/);
  });

  it("reports a repeated field as broken YAML", () => {
    expect(fieldsOf(parseArticleFile(articleFile([...REQUIRED, "title: Again"])))).toEqual(["frontmatter"]);
  });

  it("reports missing frontmatter", () => {
    const [problem] = problemsOf(parseArticleFile("title: A title\n\nThe text."));
    expect(problem?.field).toBe("frontmatter");
    expect(problem?.problem).toMatch(/^is missing/);
  });

  it("reports frontmatter that is never closed", () => {
    expect(fieldsOf(parseArticleFile(`---\n${REQUIRED.join("\n")}\nThe text.`))).toEqual(["frontmatter"]);
  });

  it("rejects an empty or blank body", () => {
    for (const body of ["", "\n  \n\t\n"]) {
      const [problem] = problemsOf(parseArticleFile(articleFile(REQUIRED, body)));
      expect(problem?.field).toBe("body");
      expect(problem?.problem).toMatch(/must not be empty/);
    }
  });

  it("rejects a body given as a frontmatter field", () => {
    expect(fieldsOf(parseArticleFile(articleFile([...REQUIRED, "body: Text"])))).toEqual(["body"]);
  });

  it("rejects frontmatter that is a list, not a set of fields", () => {
    const [problem] = problemsOf(parseArticleFile(articleFile(["- title: A title", "- category: News"])));
    expect(problem).toEqual({ field: "frontmatter", problem: "must be a set of fields, like title: My article" });
  });

  it("rejects frontmatter that is a single value", () => {
    expect(fieldsOf(parseArticleFile(articleFile(["just a sentence"])))).toEqual(["frontmatter"]);
  });

  it("rejects an image without alt text", () => {
    const file = articleFile([...REQUIRED, "image:", "  url: https://img.example/a.jpg"]);
    expect(problemsOf(parseArticleFile(file))).toEqual([{ field: "image.alt", problem: "is required" }]);
  });

  it("rejects image fields that are not indented under image", () => {
    const file = articleFile([...REQUIRED, "image:", "alt: A harbour"]);
    expect(fieldsOf(parseArticleFile(file))).toEqual(["image", "alt"]);
  });

  it.each([
    ["javascript:", "javascript:alert(1)"],
    ["http://", "http://img.example/a.jpg"],
    ["data:", "data:image/png;base64,iVBORw0KGgo="],
    ["protocol-relative", "//img.example/a.jpg"],
    ["relative without slash", "img.png"],
  ])("rejects a %s image url", (_name, url) => {
    const file = articleFile([...REQUIRED, "image:", `  url: "${url}"`, "  alt: A picture"]);
    expect(problemsOf(parseArticleFile(file))).toEqual([
      { field: "image.url", problem: "must be an https:// URL or a path starting with /" },
    ]);
  });

  it.each(["/img.png", "https://img.example/a.jpg"])("accepts the image url %s", (url) => {
    const file = articleFile([...REQUIRED, "image:", `  url: ${url}`, "  alt: A picture"]);
    expect(validValue(parseArticleFile(file)).image).toEqual({ url, alt: "A picture" });
  });

  it("accepts an image with no url but a caption", () => {
    const file = articleFile([...REQUIRED, "image:", "  alt: ''", "  caption: A caption"]);
    expect(validValue(parseArticleFile(file)).image).toEqual({ alt: "", caption: "A caption" });
  });

  it("rejects an unknown field inside image", () => {
    const file = articleFile([...REQUIRED, "image:", "  src: /a.png", "  alt: A"]);
    expect(problemsOf(parseArticleFile(file))).toEqual([{ field: "image.src", problem: "is not a known field" }]);
  });

  it("rejects authors and tags that are not lists", () => {
    const file = articleFile([...REQUIRED, "authors: Ann O'Neil", "tags: news"]);
    expect(problemsOf(parseArticleFile(file))).toEqual([
      { field: "authors", problem: "must be a list of names" },
      { field: "tags", problem: "must be a list of words" },
    ]);
  });

  it("rejects a draft flag that is not true or false", () => {
    expect(problemsOf(parseArticleFile(articleFile([...REQUIRED, "draft: yes"])))).toEqual([
      { field: "draft", problem: "must be true or false" },
    ]);
  });
});

describe("parseArticleJson", () => {
  it("accepts the same fields as a file, with body", () => {
    const value = validValue(
      parseArticleJson({ title: "A title", published: "2025-03-28T09:00:00Z", category: "Latest news", body: "Text." }),
    );
    expect(value).toEqual({
      title: "A title",
      published: "2025-03-28T09:00:00Z",
      category: "Latest news",
      authors: [],
      tags: [],
      draft: false,
      body: "Text.\n",
    });
  });

  it.each([null, [1, 2], "text", 42])("rejects %j, which is not an object", (data) => {
    expect(fieldsOf(parseArticleJson(data))).toEqual([""]);
  });

  it("names a missing body", () => {
    expect(problemsOf(parseArticleJson({ title: "A", published: "2025-03-28T09:00:00Z", category: "C" }))).toEqual([
      { field: "body", problem: "is required" },
    ]);
  });

  it("names each field of the wrong type", () => {
    const problems = problemsOf(
      parseArticleJson({ title: 7, published: "2025-03-28T09:00:00Z", category: "C", authors: "Ann", body: "x" }),
    );
    expect(problems).toEqual([
      { field: "title", problem: "must be text" },
      { field: "authors", problem: "must be a list of names" },
    ]);
  });
});

describe("validateSlug", () => {
  it.each(["a", "my-first-article", "2025-03-28-news", "a".repeat(100)])("accepts %s", (slug) => {
    expect(validateSlug(slug)).toEqual({ ok: true, value: slug });
  });

  it.each([
    "",
    "My-Article",
    "my_article",
    "my--article",
    "-article",
    "article-",
    "my article",
    "café",
    "../etc",
    "a".repeat(101),
  ])("rejects %j and names the slug field", (slug) => {
    const problems = problemsOf(validateSlug(slug));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.field === "slug")).toBe(true);
  });
});

describe("contentVersion", () => {
  const file = articleFile([...REQUIRED, "authors: [Ann]", "tags: [a, b]", "image:", "  url: /a.png", "  alt: A"], "The text.\n");

  it("is 32 hex digits", async () => {
    expect(await contentVersion(validInput())).toMatch(/^[0-9a-f]{32}$/);
  });

  it("is the same for the same content as a file and as JSON", async () => {
    const json = {
      title: "A title",
      published: "2025-03-28T09:00:00Z",
      category: "Latest news",
      authors: ["Ann"],
      tags: ["a", "b"],
      image: { url: "/a.png", alt: "A" },
      body: "The text.\n",
    };
    expect(await contentVersion(validValue(parseArticleFile(file)))).toBe(
      await contentVersion(validValue(parseArticleJson(json))),
    );
  });

  it("is the same whatever blank lines surround the body", async () => {
    expect(await contentVersion(validInput({ body: "\n\nText.\n\n" }))).toBe(await contentVersion(validInput({ body: "Text." })));
  });

  it("does not depend on key order, nested keys included", async () => {
    const a = validInput({ image: { url: "/a.png", alt: "A" }, tags: ["x"] });
    const b = validValue(
      parseArticleJson({
        tags: ["x"],
        body: "Text.",
        image: { alt: "A", url: "/a.png" },
        category: "Latest news",
        published: "2025-03-28T09:00:00Z",
        title: "A title",
      }),
    );
    expect(await contentVersion(b)).toBe(await contentVersion(a));
  });

  it("treats an omitted default like the default written out", async () => {
    expect(await contentVersion(validInput({ authors: [], tags: [], draft: false }))).toBe(await contentVersion(validInput()));
  });

  it("changes when any field changes", async () => {
    const base = await contentVersion(validInput());
    const variants: Partial<ArticleInput>[] = [
      { title: "Another title" },
      { published: "2025-03-28T09:00:01Z" },
      { updated: "2025-03-29T09:00:00Z" },
      { category: "Other" },
      { authors: ["Ann"] },
      { summary: "In short." },
      { image: { alt: "A" } },
      { tags: ["x"] },
      { draft: true },
      { body: "Text!" },
    ];
    const versions = await Promise.all(variants.map((v) => contentVersion(validInput(v))));
    for (const version of versions) expect(version).not.toBe(base);
    expect(new Set(versions).size).toBe(variants.length);
  });

  it("changes when the order of a list changes", async () => {
    expect(await contentVersion(validInput({ tags: ["a", "b"] }))).not.toBe(
      await contentVersion(validInput({ tags: ["b", "a"] })),
    );
  });
});

describe("buildArticle", () => {
  const NOW = Date.parse("2025-06-01T00:00:00Z");
  const SITE = { title: "T", description: "D", url: "https://news.example", language: "en" };
  /** Builds at NOW, failing the test if the article is refused. */
  async function build(slug: string, input: ArticleInput) {
    const built = await buildArticle(slug, input, { site: SITE, now: NOW, feedId: `https://news.example/articles/${slug}` });
    if (!built.ok) throw new Error(`refused: ${JSON.stringify(built.problems)}`);
    return built.value;
  }

  it("builds the stored record with sanitized HTML, reading time and version", async () => {
    const input = validInput({ body: "First *para*.\n\n<script>alert(1)</script>\n\nSecond.", tags: ["t"], authors: ["Ann"] });
    const { article, warnings } = await build("my-article", input);
    expect(article).toMatchObject({
      slug: "my-article",
      title: "A title",
      published: "2025-03-28T09:00:00Z",
      category: "Latest news",
      authors: ["Ann"],
      tags: ["t"],
      draft: false,
      markdown: input.body,
      readingMinutes: 1,
    });
    expect(article.html).toBe("<p>First <em>para</em>.</p>\n<p>Second.</p>\n");
    expect(article.version).toBe(await contentVersion(input));
    expect(article).not.toHaveProperty("updated");
    expect(article).not.toHaveProperty("image");
    expect(warnings).toEqual(["summary: none given, so the first paragraph is used"]);
  });

  it("derives the summary from the first paragraph when none is given", async () => {
    const { article } = await build("s", validInput({ body: "## Heading\n\nThe **lead** paragraph.\n\nMore." }));
    expect(article.summary).toBe("The lead paragraph.");
  });

  it("keeps a given summary and does not warn about it", async () => {
    const { article, warnings } = await build("s", validInput({ summary: "Given." }));
    expect(article.summary).toBe("Given.");
    expect(warnings).toEqual([]);
  });

  it("keeps updated and image when given", async () => {
    const input = validInput({ summary: "S", updated: "2025-04-01T00:00:00Z", image: { url: "/a.png", alt: "A" } });
    const { article } = await build("s", input);
    expect(article.updated).toBe("2025-04-01T00:00:00Z");
    expect(article.image).toEqual({ url: "/a.png", alt: "A" });
  });

  it("warns that a future article is scheduled", async () => {
    const { warnings } = await build("s", validInput({ summary: "S", published: "2025-07-01T09:00:00Z" }));
    expect(warnings).toEqual(["published: in the future, so the article goes live at 2025-07-01T09:00:00Z"]);
  });

  it("warns about a draft, and not also about its schedule", async () => {
    const { warnings } = await build("s", validInput({ summary: "S", draft: true, published: "2025-07-01T09:00:00Z" }));
    expect(warnings).toEqual(["draft: stored, but not public until draft is false"]);
  });

  it("warns about an image without a url", async () => {
    const { warnings } = await build("s", validInput({ summary: "S", image: { alt: "", caption: "C" } }));
    expect(warnings).toEqual(["image: no url, so only the caption and credit are shown"]);
  });

  it("warns when sanitizing leaves nothing", async () => {
    const { article, warnings } = await build("s", validInput({ summary: "S", body: "<script>alert(1)</script>" }));
    expect(article.html.trim()).toBe("");
    expect(warnings).toEqual(["body: nothing is left after sanitizing"]);
  });
});

describe("parseArticleFile and parseArticleJson: bounded input", () => {
  it("refuses YAML aliases, naming the frontmatter and the limit", () => {
    const file = articleFile([...REQUIRED, "authors: &a [Ann, Bob]", "tags: *a"]);
    const [problem, ...rest] = problemsOf(parseArticleFile(file));
    expect(rest).toEqual([]);
    expect(problem?.field).toBe("frontmatter");
    expect(problem?.problem).toMatch(/alias.*not allowed \(the limit is 0\)/);
  });

  it("refuses the audit's alias bomb quickly, without expanding it", () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 1; i < 6; i++)
      lines.push(
        `${"abcdef"[i]}: &${"abcdef"[i]} [${Array(10)
          .fill(`*${"abcdef"[i - 1]}`)
          .join(", ")}]`,
      );
    const file = articleFile([...REQUIRED, ...lines]);
    expect(fieldsOf(parseArticleFile(file))).toEqual(["frontmatter"]);
  });

  it("reads lists written as blocks as well as in brackets", () => {
    const parsed = parseArticleFile(articleFile([...REQUIRED, "authors:", "  - Jane Doe", "  - John Roe", "tags: [a, b]"]));
    expect(parsed.ok && parsed.value.authors).toEqual(["Jane Doe", "John Roe"]);
  });

  it("refuses YAML nested deeper than a list inside a field", () => {
    const [problem] = problemsOf(parseArticleFile(articleFile([...REQUIRED, "tags: [[[a, [b]]]]"])));
    expect(problem?.field).toBe("frontmatter");
    expect(problem?.problem).toMatch(/nests too deeply/);
  });

  it("refuses frontmatter over its size limit before reading it", () => {
    const comment = `# ${"x".repeat(LIMITS.frontmatterBytes)}`;
    expect(problemsOf(parseArticleFile(articleFile([...REQUIRED, comment])))).toEqual([
      { field: "frontmatter", problem: `must be at most ${LIMITS.frontmatterBytes} bytes of YAML (the limit)` },
    ]);
  });

  it.each([
    ["authors", LIMITS.authors, "name"],
    ["tags", LIMITS.tags, "tag"],
  ])("accepts %s up to the limit and refuses one more", (field, max, word) => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `${word}${i}`);
    expect(parseArticleJson({ ...validInput(), [field]: list(max) }).ok).toBe(true);
    expect(problemsOf(parseArticleJson({ ...validInput(), [field]: list(max + 1) }))).toEqual([
      { field, problem: `must have at most ${max} entries` },
    ]);
  });

  it("refuses 200,000 authors with one problem", () => {
    const problems = problemsOf(parseArticleJson({ ...validInput(), authors: Array(200_000).fill("x".repeat(1_000)) }));
    expect(problems).toEqual([{ field: "authors", problem: `must have at most ${LIMITS.authors} entries` }]);
  });

  it.each([
    ["title", LIMITS.titleLength, (text: string) => ({ title: text })],
    ["summary", LIMITS.summaryLength, (text: string) => ({ summary: text })],
    ["category", LIMITS.categoryLength, (text: string) => ({ category: text })],
    ["authors.0", LIMITS.authorLength, (text: string) => ({ authors: [text] })],
    ["tags.0", LIMITS.tagLength, (text: string) => ({ tags: [text] })],
    ["image.alt", LIMITS.altLength, (text: string) => ({ image: { alt: text } })],
    ["image.caption", LIMITS.captionLength, (text: string) => ({ image: { alt: "", caption: text } })],
    ["image.credit", LIMITS.creditLength, (text: string) => ({ image: { alt: "", credit: text } })],
    ["image.url", LIMITS.urlLength, (text: string) => ({ image: { alt: "", url: `/${text.slice(1)}` } })],
  ])("accepts %s at its length limit and refuses one character more", (field, max, fields) => {
    expect(parseArticleJson({ ...validInput(), ...fields("a".repeat(max)) }).ok).toBe(true);
    expect(problemsOf(parseArticleJson({ ...validInput(), ...fields("a".repeat(max + 1)) }))).toEqual([
      { field, problem: `must be at most ${max} characters` },
    ]);
  });

  it("refuses a body over its size limit in bytes, naming the field and the limit", () => {
    expect(parseArticleJson({ ...validInput(), body: "a".repeat(LIMITS.bodyBytes) }).ok).toBe(true);
    expect(problemsOf(parseArticleJson({ ...validInput(), body: "€".repeat(LIMITS.bodyBytes / 3 + 1) }))).toEqual([
      { field: "body", problem: `must be at most ${LIMITS.bodyBytes} bytes of Markdown (the limit)` },
    ]);
  });

  it("refuses an over-long body in a file too", () => {
    expect(fieldsOf(parseArticleFile(articleFile(REQUIRED, "a".repeat(LIMITS.bodyBytes + 1))))).toEqual(["body"]);
  });
});
