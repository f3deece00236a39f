/**
 * @module core/markdown
 * Markdown to safe HTML, done once when an article is stored and never per request.
 * marked parses (small, no DOM needed); js-xss sanitizes with an allow-list (works without a DOM,
 * unlike DOMPurify, and weighs a fraction of sanitize-html).
 *
 * Rendering is bounded in time and size (see docs/limits.md): the body's size is capped, block
 * nesting is counted while marked lexes, each paragraph's inline markup is counted before marked
 * lexes it, and the HTML is measured before it is stored. Going over a limit is a field problem,
 * never an exception.
 */
import { Lexer, type MarkedOptions, Parser, Renderer, type Token, Tokenizer, type Tokens } from "marked";
import xss from "xss";
import { escapeHtml } from "./escape";
import { LIMITS, utf8Bytes } from "./limits";
import { type ImageSize, responsiveAttributes } from "./responsive-images";
import type { FieldProblem } from "./schema";

// js-xss is CommonJS and assigns most exports in a loop, which Node's named-export detection
// cannot see; take them from the default export, which works under Node and bundlers alike.
const { FilterXSS, getDefaultWhiteList, safeAttrValue } = xss as unknown as typeof import("xss");

const WORDS_PER_MINUTE = 230;
const SUMMARY_MAX_LENGTH = 300;

/** The result of rendering an article's body: what is stored, or why it cannot be. */
export type RenderedBody =
  | { ok: true; html: string; summary: string; readingMinutes: number }
  | { ok: false; problems: FieldProblem[] };

/** Thrown inside the lexer to stop it at once, with the problem to report; never escapes this module. */
class LimitExceeded extends Error {}

const TOO_DEEP = `nests block quotes and lists more than ${LIMITS.nestingDepth} levels deep (the limit)`;
const TOO_MANY_CELLS = `has more than ${LIMITS.tableCells} table cells (the limit), counting the cells that short rows are padded with`;

/**
 * marked's tokenizer, refusing block quotes and lists nested deeper than the limit and tables with
 * more cells than the limit. One instance lexes one body.
 */
class BoundedTokenizer extends Tokenizer {
  #depth = 0;
  #cells = 0;

  override blockquote(src: string): Tokens.Blockquote | undefined {
    return this.#nested(() => super.blockquote(src));
  }

  override list(src: string): Tokens.List | undefined {
    return this.#nested(() => super.list(src));
  }

  // Each level lexes its contents with a nested call (so `"> ".repeat(200_000)` overflows the stack,
  // and every level re-reads the text inside it). The call for the content of the deepest allowed
  // level is one more than the limit, so the count may reach the limit plus one.
  #nested<T>(tokenize: () => T): T {
    if (++this.#depth > LIMITS.nestingDepth + 1) throw new LimitExceeded(TOO_DEEP);
    try {
      return tokenize();
    } finally {
      this.#depth--;
    }
  }

  // GFM §4.10: every row has as many cells as the header, so a row of one byte can stand for a
  // hundred empty cells, each a token. Count them from the same match marked uses, before it
  // builds any: the header's pipes bound its cells.
  override table(src: string): Tokens.Table | undefined {
    const match = this.rules.block.table.exec(src);
    if (match) {
      const columns = (match[1]?.split("|").length ?? 0) + 1;
      const rows = (match[3]?.split("\n").length ?? 0) + 1;
      this.#cells += columns * rows;
      if (this.#cells > LIMITS.tableCells) throw new LimitExceeded(TOO_MANY_CELLS);
    }
    return super.table(src);
  }
}

/**
 * marked's renderer, giving each image stored here (`/media/<hash>.<ext>`) whose size is known its
 * `width` and `height`, and `srcset` and `sizes` offering its narrower copies (media/responsive.ts).
 * Images from elsewhere, and Markdown with raw `<img>` HTML, are left as written.
 */
class SizedImageRenderer extends Renderer {
  readonly #sizes: ReadonlyMap<string, ImageSize>;

  constructor(sizes: ReadonlyMap<string, ImageSize>) {
    super();
    this.#sizes = sizes;
  }

  override image(token: Tokens.Image): string {
    const html = super.image(token);
    const size = this.#sizes.get(token.href);
    // marked writes the text alone, not an <img>, for a URL it cannot use.
    const attributes = size && html.startsWith("<img ") ? responsiveAttributes(token.href, size) : undefined;
    if (!attributes) return html;
    const added = Object.entries(attributes).map(([name, value]) => ` ${name}="${escapeHtml(String(value))}"`);
    return `${html.slice(0, -">".length)}${added.join("")}>`;
  }
}

/** The sizes of the images stored here that a body shows, by URL as written: none by default. */
export type ImageSizes = ReadonlyMap<string, ImageSize>;

const NO_SIZES: ImageSizes = new Map();

function options(sizes: ImageSizes = NO_SIZES): MarkedOptions {
  // A fresh object each time: marked's Lexer and Parser store their tokenizer and renderer on it.
  return {
    gfm: true,
    breaks: false,
    async: false,
    tokenizer: new BoundedTokenizer(),
    ...(sizes.size ? { renderer: new SizedImageRenderer(sizes) } : {}),
  };
}

// The characters at which marked 18's inline lexer stops to try a rule. Some tries scan ahead to
// the end of the paragraph (GFM's e-mail autolink lookahead, the search for an emphasis closer), so
// a paragraph's cost grows with its length times the number of these: counting them bounds it.
// `http` stops it even without `://`, as its inline text rule is written.
const INLINE_MARKUP = /[\\<![`*_~@]|https?|ftp:\/\/|www\./gi;

function inlineMarkupCount(text: string): number {
  let count = 0;
  INLINE_MARKUP.lastIndex = 0;
  while (INLINE_MARKUP.exec(text) !== null) {
    if (++count > LIMITS.inlineMarkup) break;
  }
  return count;
}

type Lexed = { ok: true; tokens: Token[] } | { ok: false; problem: string };

/** Lexes once, checking nesting while the blocks are lexed and inline markup before it is. */
function lex(markdown: string): Lexed {
  const lexer = new Lexer(options());
  try {
    // As Lexer.lex does: CommonMark §2.1, a line ends with LF, CR or CRLF.
    lexer.blockTokens(markdown.replace(/\r\n?/g, "\n"), lexer.tokens);
  } catch (error) {
    if (error instanceof LimitExceeded) return { ok: false, problem: error.message };
    // The limits rule out deep recursion; should some input still exhaust the stack, it is the
    // body's problem to report, not a 500.
    if (error instanceof RangeError) return { ok: false, problem: TOO_DEEP };
    throw error;
  }
  for (const run of lexer.inlineQueue) {
    if (inlineMarkupCount(run.src) > LIMITS.inlineMarkup) {
      return {
        ok: false,
        problem:
          `has a paragraph, heading or table cell with more than ${LIMITS.inlineMarkup} characters of inline ` +
          "Markdown (\\ < ! [ ` * _ ~ @ http www.) (the limit): split it",
      };
    }
  }
  // Lexing nothing more runs the queued inline lexing exactly as marked.lexer would.
  return { ok: true, tokens: lexer.lex("") };
}

/**
 * The HTML that links, images and tables alone will produce, at least. A reference link repeats its
 * definition's URL and title at every use, and a table row is padded to the header's width, so
 * these grow without bound in the body's size: estimate before rendering them.
 */
function amplifiedBytes(tokens: Token[]): number {
  let bytes = 0;
  for (const token of eachToken(tokens)) {
    if (token.type === "link" || token.type === "image") bytes += token.href.length + (token.title?.length ?? 0);
    if (token.type === "table") {
      const table = token as Tokens.Table;
      // "<td></td>" for every cell, filled or padded.
      bytes += 9 * table.header.length * (table.rows.length + 1);
    }
    // Past the limit the body is refused whatever else it holds: stop counting.
    if (bytes > LIMITS.htmlBytes) break;
  }
  return bytes;
}

/**
 * Every token in `tokens` and inside them (table cells, list items, a token's own tokens),
 * depth-first in document order: each token before what it holds.
 */
function* eachToken(tokens: Token[]): Generator<Token> {
  for (const token of tokens) {
    yield token;
    if (token.type === "table") {
      const table = token as Tokens.Table;
      for (const cell of [...table.header, ...table.rows.flat()]) yield* eachToken(cell.tokens);
    }
    if (token.type === "list") for (const item of (token as Tokens.List).items) yield* eachToken(item.tokens);
    else if ("tokens" in token && token.tokens) yield* eachToken(token.tokens);
  }
}

const TOO_MUCH_HTML = `renders to more than ${LIMITS.htmlBytes} bytes of HTML (the limit)`;

/**
 * Renders an article's body in one pass: lexes it once, takes the summary and the HTML from the
 * same tokens, sanitizes, and measures. Every limit it meets is a problem with the field `body`.
 * `sizes` gives images stored here their size and narrower copies (see {@link imageSources}).
 * @example renderBody("Hello *world*")
 * // { ok: true, html: "<p>Hello <em>world</em></p>\n", summary: "Hello world", readingMinutes: 1 }
 * @example renderBody("> ".repeat(100)) // { ok: false, problems: [{ field: "body", problem: "nests block quotes…" }] }
 * @example renderBody("![A heron](/media/0123456789abcdef0123456789abcdef.jpg)", new Map([[url, { width: 700, height: 400 }]]))
 * // <img src="/media/….jpg" alt="A heron" width="700" height="400" srcset="/media/w/320/….jpg 320w, …" sizes="…">
 */
export function renderBody(markdown: string, sizes: ImageSizes = NO_SIZES): RenderedBody {
  const refuse = (problem: string): RenderedBody => ({ ok: false, problems: [{ field: "body", problem }] });
  if (utf8Bytes(markdown) > LIMITS.bodyBytes) return refuse(`must be at most ${LIMITS.bodyBytes} bytes of Markdown (the limit)`);
  const lexed = lex(markdown);
  if (!lexed.ok) return refuse(lexed.problem);
  if (amplifiedBytes(lexed.tokens) > LIMITS.htmlBytes) return refuse(TOO_MUCH_HTML);
  const summary = summaryFromTokens(lexed.tokens);
  const unsafe = Parser.parse(lexed.tokens, options(sizes));
  // Sanitizing removes more than it adds, so HTML over the limit before it is refused without the
  // work; both are measured, so the limit holds for what is stored whatever the sanitizer does.
  if (utf8Bytes(unsafe) > LIMITS.htmlBytes) return refuse(TOO_MUCH_HTML);
  const html = sanitizeHtml(unsafe);
  if (utf8Bytes(html) > LIMITS.htmlBytes) return refuse(TOO_MUCH_HTML);
  return { ok: true, html, summary, readingMinutes: readingMinutes(html) };
}

/**
 * Renders an article's Markdown to sanitized HTML; empty when the body is over a limit (the save
 * path calls {@link renderBody}, which says which).
 * @example renderMarkdown("Hello *world*") // "<p>Hello <em>world</em></p>\n"
 */
export function renderMarkdown(markdown: string): string {
  const rendered = renderBody(markdown);
  return rendered.ok ? rendered.html : "";
}

/** A Markdown image (`![alt](url "title")`) as written in a body. */
export interface ImageReference {
  /** Its URL, as marked reads it (backslash escapes and angle brackets taken off). */
  href: string;
  /** Its alt text. */
  alt: string;
  /** The whole image as written, `![` to `)` (or `]` for a reference-style image). */
  raw: string;
}

/**
 * Every Markdown image in a body, in order, repeats included, wherever it stands (paragraphs,
 * lists, quotes, tables, links). Raw `<img>` HTML and code are not images. Empty for a body over
 * a limit.
 * @example imageReferences("Look: ![A heron](heron.jpg)") // [{ href: "heron.jpg", alt: "A heron", raw: "![A heron](heron.jpg)" }]
 */
export function imageReferences(markdown: string): ImageReference[] {
  const lexed = lex(markdown);
  if (!lexed.ok) return [];
  const found: ImageReference[] = [];
  for (const token of eachToken(lexed.tokens)) {
    if (token.type === "image") found.push({ href: token.href, alt: token.text, raw: token.raw });
  }
  return found;
}

/**
 * The URL of every Markdown image in a body, in order, repeats included: to read the sizes of
 * those stored here before {@link renderBody}. Empty for a body over a limit.
 * @example imageSources("![A heron](/media/0123456789abcdef0123456789abcdef.jpg)\n\n![x](https://a.example/b.png)")
 * // ["/media/0123456789abcdef0123456789abcdef.jpg", "https://a.example/b.png"]
 */
export function imageSources(markdown: string): string[] {
  return imageReferences(markdown).map((image) => image.href);
}

/**
 * The first paragraph as plain text, shortened on a word boundary: the summary when none is given.
 * @example summaryFromMarkdown("# Title\n\nSome **bold** text.") // "Some bold text."
 */
export function summaryFromMarkdown(markdown: string): string {
  const lexed = lex(markdown);
  return lexed.ok ? summaryFromTokens(lexed.tokens) : "";
}

function summaryFromTokens(tokens: Token[]): string {
  // A paragraph that holds only a picture has no text of its own (its alt text describes the picture,
  // not the article), so the summary comes from the first paragraph that does.
  for (const token of tokens) {
    if (token.type !== "paragraph") continue;
    const text = collapse(plainText([token]));
    if (text) return shorten(text, SUMMARY_MAX_LENGTH);
  }
  return "";
}

/** Tokens that start a new line of text, so words of two blocks never run together. */
const BLOCK_TOKENS = new Set(["paragraph", "heading", "code", "blockquote", "table", "hr", "space", "html"]);

/**
 * The body's words as plain text, one line per block, for the search index: no markup, entities
 * decoded, images' alt text and raw HTML left out.
 * @example plainTextFromMarkdown("# Title\n\nSome **bold** text.") // "Title\nSome bold text."
 */
export function plainTextFromMarkdown(markdown: string): string {
  const lexed = lex(markdown);
  return lexed.ok
    ? blockText(lexed.tokens)
        .replace(/[ \t]*\n\s*/g, "\n")
        .trim()
    : "";
}

function blockText(tokens: Token[]): string {
  let text = "";
  for (const token of tokens) {
    if (BLOCK_TOKENS.has(token.type)) text += "\n";
    if (token.type === "image" || token.type === "html") continue;
    if (token.type === "list") for (const item of (token as Tokens.List).items) text += `\n${blockText(item.tokens)}`;
    else if (token.type === "table") {
      const table = token as Tokens.Table;
      for (const cell of [...table.header, ...table.rows.flat()]) text += `\n${blockText(cell.tokens)}`;
    } else if ("tokens" in token && token.tokens?.length) text += blockText(token.tokens);
    else if (token.type === "code") text += token.text;
    else if (token.type === "br") text += " ";
    else if (token.type === "text" || token.type === "codespan" || token.type === "escape") text += decodeEntities(token.text);
  }
  return text;
}

/**
 * Minutes to read, at an unhurried pace; never less than one.
 * @example readingMinutes(`<p>${"word ".repeat(231)}</p>`) // 2
 */
export function readingMinutes(html: string): number {
  const words = html
    .replace(/<[^>]*>/g, " ")
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  return Math.max(1, Math.ceil(words / WORDS_PER_MINUTE));
}

/**
 * Shortens text to at most `max` characters, cutting at a word boundary and adding an ellipsis.
 * @example shorten("one two three four five six", 12) // "one two…"
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}

function plainText(tokens: Token[]): string {
  return tokens
    .map((token) => {
      if (token.type === "image") return "";
      if ("tokens" in token && token.tokens) return plainText(token.tokens);
      if (token.type === "text" || token.type === "codespan" || token.type === "escape") return decodeEntities(token.text);
      if (token.type === "br") return " ";
      return "";
    })
    .join("");
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, name: string) => ENTITIES[name] ?? "");
}

// ---------------------------------------------------------------------------------------------
// Sanitizing

/**
 * Attributes whose value a browser fetches or follows as a URL (HTML Living Standard's attribute
 * index, plus obsolete ones that browsers still honour). Whatever the allow-list lets through, each
 * of these is checked by {@link isSafeUrl}.
 */
const URL_ATTRIBUTES = new Set([
  "action",
  "archive",
  "background",
  "cite",
  "classid",
  "codebase",
  "data",
  "dynsrc",
  "formaction",
  "href",
  "icon",
  "itemtype",
  "longdesc",
  "lowsrc",
  "manifest",
  "ping",
  "poster",
  "profile",
  "src",
  "usemap",
  "xlink:href",
]);

/** Attributes that hold a comma-separated list of "URL descriptor" candidates (HTML §4.8.4.2). */
const URL_LIST_ATTRIBUTES = new Set(["srcset", "imagesrcset"]);

const SAFE_SCHEMES = new Set(["http", "https", "mailto"]);

// HTML §13.5 named character references a scheme can be spelled with; any other name left in the
// part before the first `:` makes the URL unsafe rather than guessed at.
const NAMED_REFERENCES: Record<string, string> = {
  colon: ":",
  tab: "\t",
  newline: "\n",
  sol: "/",
  quest: "?",
  num: "#",
  amp: "&",
  period: ".",
  plus: "+",
  hyphen: "-",
  dash: "-",
};

function decodeReferences(value: string): string {
  return value.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z][a-z0-9]*));?/gi, (whole, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined || hex !== undefined) {
      const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? "", 16);
      // HTML §13.2.5.80: zero, surrogates and values past U+10FFFF become U+FFFD.
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : "\uFFFD";
    }
    return NAMED_REFERENCES[(name ?? "").toLowerCase()] ?? whole;
  });
}

/**
 * Whether a URL attribute's value is an http:, https: or mailto: URL, or relative. The value is read
 * as a browser would: character references decoded (`jav&#x09;ascript:`), then C0 controls and
 * spaces stripped from the ends and tabs and newlines from everywhere (URL Standard §4.4, basic URL
 * parser), so `java\nscript:` and `\x00javascript:` are seen for what they are.
 * @example isSafeUrl("https://example.com/") // true
 * @example isSafeUrl("/rss.xml") // true
 * @example isSafeUrl("jav&#x09;ascript:alert(1)") // false
 */
export function isSafeUrl(value: string): boolean {
  const url = trimControlsAndSpaces(decodeReferences(value).replace(/[\t\n\r]/g, ""));
  // A colon before any `/`, `?` or `#` ends a scheme. Whatever stands before it must be an allowed
  // scheme, so a lookalike relative path (`a:b`) is refused too: an editor can write `./a:b`.
  const scheme = /^([^/?#]*?):/.exec(url);
  return scheme === null || SAFE_SCHEMES.has((scheme[1] ?? "").toLowerCase());
}

/** Strips C0 controls and spaces (U+0000 to U+0020) from both ends, in one pass each way. */
function trimControlsAndSpaces(text: string): string {
  // A regex like /\s+$/ retries at every space of a long run inside the text: quadratic.
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

function isSafeUrlList(value: string): boolean {
  // Each candidate is a URL, then optional descriptors: the URL is everything up to the first space.
  return value.split(",").every((candidate) => isSafeUrl(candidate.trim().split(/\s+/)[0] ?? ""));
}

// <audio> and <video> are left out: a stored article has no means to vet a media host, autoplay
// and preload spend readers' data, and `poster` is one more URL to police. Their fallback text stays.
const { audio: _audio, video: _video, ...defaultAllowList } = getDefaultWhiteList();

const allowList = {
  ...defaultAllowList,
  code: ["class"],
  pre: [],
  // srcset and sizes: what the renderer gives images stored here (each srcset URL is checked as src is).
  img: ["src", "alt", "title", "width", "height", "srcset", "sizes"],
  a: ["href", "title"],
};

const sanitizer = new FilterXSS({
  whiteList: allowList,
  stripIgnoreTag: true,
  // Only elements with an end tag belong here: js-xss drops everything from an unclosed one (a void
  // `<embed>`, say) up to the next listed end tag, silently taking the article's text with it.
  // stripIgnoreTag already removes `<embed>` and other void tags.
  stripIgnoreTagBody: ["script", "style", "iframe", "object", "template", "noscript"],
  allowCommentTag: false,
  safeAttrValue(tag, name, value, cssFilter) {
    const attribute = name.toLowerCase();
    if (URL_ATTRIBUTES.has(attribute) && !isSafeUrl(value)) return "";
    if (URL_LIST_ATTRIBUTES.has(attribute) && !isSafeUrlList(value)) return "";
    if (attribute === "class" && !/^language-[\w-]+$/.test(value)) return "";
    return safeAttrValue(tag, name, value, cssFilter);
  },
});

/**
 * Removes anything executable from HTML: scripts, event handlers, and URLs other than http:,
 * https:, mailto: and relative ones (so no `javascript:` and no `data:`).
 * @example sanitizeHtml('<a href="javascript:alert(1)" onclick="x()">x</a>') // '<a href>x</a>'
 */
export function sanitizeHtml(html: string): string {
  return sanitizer.process(html);
}

// ---------------------------------------------------------------------------------------------
// Notes: corrections and clarifications

/** What a note may hold: text-level elements only, with the body's checks on every URL. */
const NOTE_TAGS = ["a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "q", "s", "small", "strong", "sub", "sup"];

const noteSanitizer = new FilterXSS({
  whiteList: Object.fromEntries(NOTE_TAGS.map((tag) => [tag, allowList[tag as keyof typeof allowList] ?? []])),
  stripIgnoreTag: true,
  stripIgnoreTagBody: ["script", "style", "iframe", "object", "template", "noscript"],
  allowCommentTag: false,
  safeAttrValue(tag, name, value, cssFilter) {
    if (URL_ATTRIBUTES.has(name.toLowerCase()) && !isSafeUrl(value)) return "";
    return safeAttrValue(tag, name, value, cssFilter);
  },
});

/** A note rendered once: its sanitized inline HTML, and the same as plain text. */
export type RenderedNote = { ok: true; html: string; text: string } | { ok: false; problems: FieldProblem[] };

/**
 * Renders a short note (a correction or a clarification) that is read inline, after its label: one
 * paragraph of text with inline Markdown (emphasis, code, links), lexed with the same limits and
 * sanitized with the same allow-list as a body. Block markup and images are refused, with the field
 * `field`, rather than rendered into a note that could not read as one sentence.
 * @example renderNote("The mayor is *Ana* Lima, not Ana Silva.")
 * // { ok: true, html: "The mayor is <em>Ana</em> Lima, not Ana Silva.", text: "The mayor is Ana Lima, not Ana Silva." }
 * @example renderNote("# Heading") // { ok: false, problems: [{ field: "text", problem: "must be one paragraph…" }] }
 */
export function renderNote(markdown: string, field = "text"): RenderedNote {
  const refuse = (problem: string): RenderedNote => ({ ok: false, problems: [{ field, problem }] });
  const lexed = lex(markdown);
  if (!lexed.ok) return refuse(lexed.problem);
  const blocks = lexed.tokens.filter((token) => token.type !== "space");
  const [paragraph] = blocks;
  if (blocks.length !== 1 || paragraph?.type !== "paragraph") {
    return refuse("must be one paragraph of text: no headings, lists, quotes, tables, code blocks or blank lines");
  }
  const inline = (paragraph as Tokens.Paragraph).tokens;
  if ([...eachToken(inline)].some((token) => token.type === "image")) return refuse("must not contain images");
  const html = noteSanitizer.process(Parser.parseInline(inline, options())).trim();
  const text = collapse(plainText([paragraph]));
  if (html === "" || text === "") return refuse("has no text left once its HTML is sanitized");
  return { ok: true, html, text };
}
