import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/core/limits";
import {
  isSafeUrl,
  readingMinutes,
  renderBody,
  renderMarkdown,
  sanitizeHtml,
  shorten,
  summaryFromMarkdown,
} from "../../src/core/markdown";

/** Every way a stored page could run code: none of these may survive sanitizing. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<iframe/i);
  expect(html).not.toMatch(/<svg/i);
  expect(html).not.toMatch(/<style/i);
  expect(html).not.toMatch(/<(object|embed|form)/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/\sstyle\s*=/i);
  expect(html).not.toMatch(/(java|vb)script\s*:/i);
  expect(html).not.toMatch(/data:/i);
}

/** The values of every href and src attribute left in the HTML. */
function urls(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)(?:="([^"]*)")?/g)].map((m) => m[1] ?? "");
}

describe("renderMarkdown and sanitizeHtml: hostile input", () => {
  it("drops <script> elements with their content and keeps the text around them", () => {
    const html = renderMarkdown("Before\n\n<script>alert(1)</script>\n\nAfter <script>steal()</script> end");
    expectInert(html);
    expect(html).not.toContain("alert(1)");
    expect(html).not.toContain("steal()");
    expect(html).toContain("<p>Before</p>");
    expect(html).toContain("After");
    expect(html).toContain("end");
  });

  it("drops event handlers from images", () => {
    const html = renderMarkdown("<img src=x onerror=alert(1)>");
    expectInert(html);
    expect(html).not.toContain("alert");
  });

  it("keeps the harmless attributes of an image that also has a handler", () => {
    const html = sanitizeHtml('<img src="https://img.example/a.png" onerror="alert(1)" alt="A cat">');
    expect(html).toBe('<img src="https://img.example/a.png" alt="A cat">');
  });

  it.each([
    ["plain", "[x](javascript:alert(1))"],
    ["colon as a decimal entity", "[x](javascript&#58;alert(1))"],
    ["first letter as a hex entity", "[x](&#x6A;avascript:alert(1))"],
    ["tab as a hex entity", "[x](jav&#x09;ascript:alert(1))"],
    ["tab inside an angle-bracket destination", "[x](<java\tscript:alert(1)>)"],
    ["vbscript", "[x](vbscript:msgbox(1))"],
  ])("neutralizes a Markdown javascript: link (%s)", (_name, markdown) => {
    const html = renderMarkdown(markdown);
    expectInert(html);
    expect(html).toContain(">x</a>");
    expect(urls(html)).toEqual([""]);
  });

  it.each([
    ["mixed case", '<a href="JaVaScRiPt:alert(1)">x</a>'],
    ["leading space", '<a href=" javascript:alert(1)">x</a>'],
    ["newline inside", '<a href="java\nscript:alert(1)">x</a>'],
    ["colon as a decimal entity", '<a href="javascript&#58;alert(1)">x</a>'],
    ["colon as a named entity", '<a href="javascript&colon;alert(1)">x</a>'],
    ["first letter as a hex entity", '<a href="&#x6A;avascript:alert(1)">x</a>'],
    ["tab as a hex entity", '<a href="jav&#x09;ascript:alert(1)">x</a>'],
    ["tab as a named entity", '<a href="jav&Tab;ascript:alert(1)">x</a>'],
    ["zero-padded entity", '<a href="&#0000106avascript:alert(1)">x</a>'],
    ["every letter an entity", '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>'],
  ])("neutralizes an HTML javascript: link (%s)", (_name, source) => {
    const html = renderMarkdown(source);
    expectInert(html);
    expect(html).toContain(">x</a>");
    expect(urls(html)).toEqual([""]);
  });

  it.each([
    ["Markdown link to data:text/html", "[x](data:text/html,<script>alert(1)</script>)"],
    ["HTML link to base64 data:text/html", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'],
    ["Markdown image of data:image/svg+xml", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"],
    ["HTML image of data:image/svg+xml", '<img alt="x" src="data:image/svg+xml,<svg onload=alert(1)>">'],
    ["HTML image of data:image/png", '<img alt="x" src="data:image/png;base64,iVBORw0KGgo=">'],
  ])("refuses data: URLs (%s)", (_name, source) => {
    const html = renderMarkdown(source);
    expectInert(html);
    expect(html).toMatch(/<(a|img)\b/);
    expect(urls(html)).toEqual([""]);
  });

  it("drops <iframe> with its content", () => {
    const html = renderMarkdown('<iframe src="https://evil.example">fallback</iframe>\n\nAfter');
    expectInert(html);
    expect(html).not.toContain("evil.example");
    expect(html).not.toContain("fallback");
    expect(html).toContain("<p>After</p>");
  });

  it("drops <svg> with an onload handler", () => {
    const html = renderMarkdown("<svg onload=alert(1)><circle r=1 /></svg>\n\nAfter");
    expectInert(html);
    expect(html).not.toContain("alert");
    expect(html).toContain("<p>After</p>");
  });

  it("drops style attributes but keeps the element and its text", () => {
    const html = sanitizeHtml('<p style="background:url(javascript:alert(1))">Styled</p>');
    expect(html).toBe("<p>Styled</p>");
  });

  it("drops <style> blocks with their CSS", () => {
    const html = renderMarkdown("<style>body { display: none }</style>\n\nAfter");
    expectInert(html);
    expect(html).not.toContain("display");
    expect(html).toContain("<p>After</p>");
  });

  it("drops <object>, <embed>, forms and comments", () => {
    const html = renderMarkdown(
      '<object data="x.swf">fallback</object>\n\n<embed src="x.swf">\n\n<form action="javascript:alert(1)"><input></form>\n\n<!-- hidden -->\n\nShown',
    );
    expectInert(html);
    expect(html).not.toContain("fallback");
    expect(html).not.toContain("hidden");
    expect(html).toContain("<p>Shown</p>");
  });

  it("keeps the text after a void <embed> even when an <iframe> comes later", () => {
    // js-xss removes from an unclosed listed tag to the next listed end tag; <embed> never closes.
    const html = renderMarkdown("Intro\n\n<embed src=x.swf>\n\nImportant paragraph\n\n<iframe src=y></iframe>\n\nTail");
    expectInert(html);
    expect(html).toBe("<p>Intro</p>\n<p>Important paragraph</p>\n<p>Tail</p>\n");
  });

  it("drops handlers on allowed elements and attributes that are not on the allow-list", () => {
    const html = sanitizeHtml(
      '<a href="https://example.com" onclick="x()" target="_blank">ok</a><details open ontoggle="alert(1)"><summary>s</summary></details>',
    );
    expectInert(html);
    expect(html).toContain('<a href="https://example.com">ok</a>');
    expect(html).not.toContain("target");
  });

  it("keeps only language-x classes on code", () => {
    expect(sanitizeHtml('<code class="language-ts">x</code>')).toBe('<code class="language-ts">x</code>');
    expect(sanitizeHtml('<code class="language-ts onclick">x</code>')).not.toContain("onclick");
    expect(sanitizeHtml('<code class="hidden">x</code>')).not.toContain("hidden");
  });
});

describe("renderMarkdown: ordinary Markdown", () => {
  it("renders emphasis inside a paragraph", () => {
    expect(renderMarkdown("Hello *world*")).toBe("<p>Hello <em>world</em></p>\n");
  });

  it("renders headings", () => {
    const html = renderMarkdown("# One\n\n## Two\n\n### Three");
    expect(html).toContain("<h1>One</h1>");
    expect(html).toContain("<h2>Two</h2>");
    expect(html).toContain("<h3>Three</h3>");
  });

  it("renders bulleted and numbered lists", () => {
    const html = renderMarkdown("- apples\n- pears\n\n1. first\n2. second");
    expect(html).toContain("<ul>\n<li>apples</li>\n<li>pears</li>\n</ul>");
    expect(html).toContain("<ol>\n<li>first</li>\n<li>second</li>\n</ol>");
  });

  it("renders https links with their title", () => {
    expect(renderMarkdown('[Docs](https://example.com/docs "The docs")')).toBe(
      '<p><a href="https://example.com/docs" title="The docs">Docs</a></p>\n',
    );
  });

  it("keeps links to paths on this site", () => {
    expect(renderMarkdown("[feed](/rss.xml)")).toBe('<p><a href="/rss.xml">feed</a></p>\n');
  });

  it("renders fenced code blocks and keeps the language-x class", () => {
    const html = renderMarkdown('```ts\nconst a = "<b>" && 1;\n```');
    expect(html).toBe('<pre><code class="language-ts">const a = &quot;&lt;b&gt;&quot; &amp;&amp; 1;\n</code></pre>\n');
  });

  it("does not let an info string smuggle attributes into a code block", () => {
    const html = renderMarkdown("```js onclick=alert(1)\nlet x;\n```");
    expect(html).toContain('<code class="language-js">');
    expect(html).not.toContain("onclick");
  });

  it("renders GFM tables", () => {
    const html = renderMarkdown("| City | Country |\n|---|---|\n| Kyiv | Ukraine |");
    expect(html).toContain("<table>");
    expect(html).toContain("<th>City</th>");
    expect(html).toContain("<td>Kyiv</td>");
    expect(html).toContain("<td>Ukraine</td>");
  });

  it("renders images with an https src, alt and title", () => {
    expect(renderMarkdown('![A harbour](https://img.example/h.jpg "At dawn")')).toBe(
      '<p><img src="https://img.example/h.jpg" alt="A harbour" title="At dawn"></p>\n',
    );
  });

  it("renders blockquotes and inline code", () => {
    const html = renderMarkdown("> Quoted `code`");
    expect(html).toBe("<blockquote>\n<p>Quoted <code>code</code></p>\n</blockquote>\n");
  });

  it("escapes HTML-looking text in code spans", () => {
    expect(renderMarkdown("Use `<script>` tags")).toBe("<p>Use <code>&lt;script&gt;</code> tags</p>\n");
  });

  it("keeps emoji and right-to-left text", () => {
    expect(renderMarkdown("مرحبا بالعالم 👋🏽 שלום")).toBe("<p>مرحبا بالعالم 👋🏽 שלום</p>\n");
  });
});

describe("summaryFromMarkdown", () => {
  it("takes the first paragraph, not a heading or the later paragraphs", () => {
    expect(summaryFromMarkdown("# Heading\n\nThe first paragraph.\n\nThe second paragraph.")).toBe("The first paragraph.");
  });

  it("strips inline markup and keeps the text of links and code", () => {
    expect(summaryFromMarkdown("Some **bold**, _italic_, ~~struck~~ text with a [link](https://example.com) and `code`.")).toBe(
      "Some bold, italic, struck text with a link and code.",
    );
  });

  it("drops inline HTML tags and decodes entities", () => {
    expect(summaryFromMarkdown('Fish &amp; chips <b>served</b> "hot" &lt;now&gt;')).toBe('Fish & chips served "hot" <now>');
  });

  it("collapses line breaks into single spaces", () => {
    expect(summaryFromMarkdown("One line\nnext line  \nhard break")).toBe("One line next line hard break");
  });

  it("keeps backslash-escaped characters as themselves", () => {
    expect(summaryFromMarkdown("An \\*asterisk\\*")).toBe("An *asterisk*");
  });

  it("shortens a long paragraph to 300 characters on a word boundary, with an ellipsis", () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`);
    const summary = summaryFromMarkdown(words.join(" "));
    expect(summary.length).toBeLessThanOrEqual(300);
    expect(summary.endsWith("…")).toBe(true);
    // Every word before the ellipsis is whole.
    const kept = summary.slice(0, -1).split(" ");
    expect(kept).toEqual(words.slice(0, kept.length));
    expect(kept.length).toBeGreaterThan(40);
  });

  it("skips a paragraph that holds only an image, and leaves images out of the text", () => {
    expect(summaryFromMarkdown("![Wang Yi in Beijing](https://img.example/a.jpg)\n\nThe real first paragraph.")).toBe(
      "The real first paragraph.",
    );
    expect(summaryFromMarkdown("A chart ![chart](https://img.example/c.png) shows it.")).toBe("A chart shows it.");
  });

  it("is empty when there is no paragraph", () => {
    expect(summaryFromMarkdown("# Only a heading")).toBe("");
    expect(summaryFromMarkdown("")).toBe("");
  });
});

describe("shorten", () => {
  it("leaves text that fits alone", () => {
    expect(shorten("Short enough", 12)).toBe("Short enough");
  });

  it("cuts at the last space and adds an ellipsis", () => {
    expect(shorten("one two three four five six", 12)).toBe("one two…");
  });

  it("drops punctuation left before the ellipsis", () => {
    expect(shorten("Hello, world. Again and again", 15)).toBe("Hello, world…");
  });

  it("cuts inside a word when no space is near enough", () => {
    expect(shorten("abcdefghijklmnop", 10)).toBe("abcdefghi…");
  });

  it("never exceeds the maximum, ellipsis included", () => {
    for (const max of [5, 17, 50, 300]) {
      expect(shorten("lorem ipsum ".repeat(60), max).length).toBeLessThanOrEqual(max);
    }
  });
});

describe("readingMinutes", () => {
  it("is at least one minute, even for nothing", () => {
    expect(readingMinutes("")).toBe(1);
    expect(readingMinutes("<p>— …</p>")).toBe(1);
  });

  it("counts words at 230 a minute, rounding up", () => {
    const paragraph = (n: number) => `<p>${"word ".repeat(n)}</p>`;
    expect(readingMinutes(paragraph(230))).toBe(1);
    expect(readingMinutes(paragraph(231))).toBe(2);
    expect(readingMinutes(paragraph(1150))).toBe(5);
  });

  it("does not count tags or attributes as words", () => {
    const tags = '<a href="https://example.com/a/very/long/path" title="many words in a title here">'.repeat(300);
    expect(readingMinutes(`${tags}<p>${"word ".repeat(200)}</p>`)).toBe(1);
  });
});

describe("isSafeUrl", () => {
  it.each([
    "https://example.com/a?b=c#d",
    "http://example.com",
    "HTTPS://EXAMPLE.COM",
    "mailto:desk@example.com",
    "/rss.xml",
    "./a:b",
    "../up",
    "page.html",
    "?q=1&r=2",
    "#section",
    "//cdn.example/a.png",
    "",
  ])("accepts %j", (url) => {
    expect(isSafeUrl(url)).toBe(true);
  });

  it.each([
    ["javascript:", "javascript:alert(1)"],
    ["upper case", "JAVASCRIPT:alert(1)"],
    ["vbscript:", "vbscript:msgbox(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["data: image", "data:image/png;base64,iVBORw0KGgo="],
    ["file:", "file:///etc/passwd"],
    ["tel:", "tel:+100"],
    ["blob:", "blob:https://example.com/uuid"],
    ["leading space", " javascript:alert(1)"],
    ["leading NUL", "\u0000javascript:alert(1)"],
    ["leading control characters", "\u0001\u001f javascript:alert(1)"],
    ["newline inside", "java\nscript:alert(1)"],
    ["carriage return inside", "java\rscript:alert(1)"],
    ["tab inside", "java\tscript:alert(1)"],
    ["tab as a hex entity", "jav&#x09;ascript:alert(1)"],
    ["tab as a named entity", "jav&Tab;ascript:alert(1)"],
    ["newline as a named entity", "jav&NewLine;ascript:alert(1)"],
    ["colon as a decimal entity", "javascript&#58;alert(1)"],
    ["colon as a zero-padded entity without ;", "javascript&#0000058alert(1)"],
    ["colon as a named entity", "javascript&colon;alert(1)"],
    ["first letter as a hex entity", "&#x6A;avascript:alert(1)"],
    ["every letter an entity", "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)"],
    ["unknown entity in the scheme", "java&shy;script:alert(1)"],
    ["space inside the scheme", "java script:alert(1)"],
    ["lookalike relative path", "a:b"],
  ])("refuses %s", (_name, url) => {
    expect(isSafeUrl(url)).toBe(false);
  });
});

describe("sanitizeHtml: every URL attribute", () => {
  it.each([
    ["video poster", '<video poster="javascript:alert(1)" src="https://a.example/v.mp4">fallback</video>'],
    ["blockquote cite", '<blockquote cite="javascript:alert(1)">quoted</blockquote>'],
    ["q cite", '<q cite="jav&#x09;ascript:alert(1)">quoted</q>'],
    ["del cite", '<del cite="javascript:alert(1)">gone</del>'],
    ["ins cite", '<ins cite="data:text/html,x">added</ins>'],
    ["area href", '<area href="javascript:alert(1)" alt="x">'],
    ["img src with control character", '<img src="\u0001javascript:alert(1)" alt="x">'],
    ["a href with newline entity", '<a href="java&NewLine;script:alert(1)">x</a>'],
    ["img srcset", '<img src="/a.png" srcset="/a.png 1x, javascript:alert(1) 2x" alt="x">'],
    ["audio src", '<audio src="javascript:alert(1)" controls>fallback</audio>'],
  ])("leaves no unsafe URL in %s", (_name, html) => {
    const clean = sanitizeHtml(html);
    expect(clean).not.toMatch(/(java|vb)script|data:/i);
    for (const [, value] of clean.matchAll(/\s(?:href|src|cite|poster|srcset)="([^"]*)"/g)) {
      expect(isSafeUrl(value ?? "")).toBe(true);
    }
  });

  it("keeps safe cite URLs", () => {
    expect(sanitizeHtml('<blockquote cite="https://example.com/speech">q</blockquote>')).toBe(
      '<blockquote cite="https://example.com/speech">q</blockquote>',
    );
  });

  it("drops <audio> and <video> but keeps their fallback text", () => {
    expect(sanitizeHtml('<video src="https://a.example/v.mp4" controls>Watch it <a href="/v">here</a></video>')).toBe(
      'Watch it <a href="/v">here</a>',
    );
    expect(sanitizeHtml('<audio src="/a.mp3" autoplay>Listen</audio>')).toBe("Listen");
  });
});

describe("renderBody", () => {
  it("renders, summarizes and times the body from one lexing", () => {
    expect(renderBody("# Title\n\nHello *world*, and more.")).toEqual({
      ok: true,
      html: "<h1>Title</h1>\n<p>Hello <em>world</em>, and more.</p>\n",
      summary: "Hello world, and more.",
      readingMinutes: 1,
    });
  });

  it("gives the same HTML and summary as the thin wrappers", () => {
    const body = "![pic](/a.png)\n\nThe **lead** paragraph with [a link](https://example.com).\n\n- a\n- b";
    const rendered = renderBody(body);
    expect(rendered.ok && rendered.html).toBe(renderMarkdown(body));
    expect(rendered.ok && rendered.summary).toBe(summaryFromMarkdown(body));
  });

  it("refuses a body over the size limit, counting UTF-8 bytes", () => {
    // Each "é" is one character but two bytes.
    expect(renderBody("é".repeat(LIMITS.bodyBytes / 2))).toMatchObject({ ok: true });
    expect(renderBody("é".repeat(LIMITS.bodyBytes / 2 + 1))).toEqual({
      ok: false,
      problems: [{ field: "body", problem: `must be at most ${LIMITS.bodyBytes} bytes of Markdown (the limit)` }],
    });
  });

  it("accepts nesting up to the limit and refuses one level more", () => {
    const quote = (depth: number) => `${"> ".repeat(depth)}deep`;
    expect(renderBody(quote(LIMITS.nestingDepth))).toMatchObject({ ok: true });
    expect(renderBody(quote(LIMITS.nestingDepth + 1))).toEqual({
      ok: false,
      problems: [
        { field: "body", problem: `nests block quotes and lists more than ${LIMITS.nestingDepth} levels deep (the limit)` },
      ],
    });
    const list = (depth: number) => Array.from({ length: depth }, (_, i) => `${"  ".repeat(i)}- item`).join("\n");
    expect(renderBody(list(LIMITS.nestingDepth))).toMatchObject({ ok: true });
    expect(renderBody(list(LIMITS.nestingDepth + 1))).toMatchObject({ ok: false });
  });

  it("accepts inline markup up to the limit in a paragraph and refuses one more", () => {
    const paragraph = (stars: number) => `${"*a* ".repeat(stars / 2)}end`;
    expect(renderBody(paragraph(LIMITS.inlineMarkup))).toMatchObject({ ok: true });
    const refused = renderBody(paragraph(LIMITS.inlineMarkup + 2));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.problems[0]?.problem).toContain(`more than ${LIMITS.inlineMarkup} characters`);
  });

  it("counts inline markup per paragraph, not per body", () => {
    const paragraph = `${"*a* ".repeat(LIMITS.inlineMarkup / 4)}end`;
    expect(renderBody(Array.from({ length: 20 }, () => paragraph).join("\n\n"))).toMatchObject({ ok: true });
  });

  it("refuses tables with more cells than the limit, padding included", () => {
    const header = `|${"h|".repeat(100)}\n|${"-|".repeat(100)}\n`;
    expect(renderBody(`${header}${"x\n".repeat(200)}`)).toMatchObject({
      ok: false,
      problems: [{ field: "body", problem: expect.stringContaining(`more than ${LIMITS.tableCells} table cells`) }],
    });
    expect(renderBody(`${header}${"x\n".repeat(50)}`)).toMatchObject({ ok: true });
  });

  it("refuses a reference link repeated into more HTML than the limit, before rendering it", () => {
    const body = `[a]: /${"x".repeat(1_000)}\n\n${Array.from({ length: 100 }, () => "[a] ".repeat(100)).join("\n\n")}`;
    expect(renderBody(body)).toEqual({
      ok: false,
      problems: [{ field: "body", problem: `renders to more than ${LIMITS.htmlBytes} bytes of HTML (the limit)` }],
    });
  });

  it("refuses a body whose HTML is over the limit after escaping", () => {
    const rendered = renderBody('"'.repeat(LIMITS.bodyBytes));
    expect(rendered).toMatchObject({ ok: false, problems: [{ field: "body" }] });
  });

  it("never throws on the audit's inputs", () => {
    for (const body of ["> ".repeat(200_000).slice(0, LIMITS.bodyBytes), "_a".repeat(60_000), "[".repeat(100_000)]) {
      expect(() => renderBody(body)).not.toThrow();
      expect(renderBody(body).ok).toBe(false);
    }
  });

  it("renderMarkdown and summaryFromMarkdown give empty strings for a refused body", () => {
    expect(renderMarkdown("> ".repeat(50))).toBe("");
    expect(summaryFromMarkdown("_a".repeat(1_000))).toBe("");
  });
});
