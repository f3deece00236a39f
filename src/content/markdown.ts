/**
 * @module content/markdown
 * Markdown to safe HTML, done once when an article is stored and never per request.
 * marked parses (small, no DOM needed); js-xss sanitizes with an allow-list (works without a DOM,
 * unlike DOMPurify, and weighs a fraction of sanitize-html).
 */
import { Marked, type Token } from "marked";
import xss from "xss";

// js-xss is CommonJS and assigns most exports in a loop, which Node's named-export detection
// cannot see; take them from the default export, which works under Node and bundlers alike.
const { FilterXSS, getDefaultWhiteList, safeAttrValue } = xss as unknown as typeof import("xss");

const WORDS_PER_MINUTE = 230;
const SUMMARY_MAX_LENGTH = 300;

const marked = new Marked({ gfm: true, breaks: false, async: false });

const allowList = {
  ...getDefaultWhiteList(),
  code: ["class"],
  pre: [],
  img: ["src", "alt", "title", "width", "height"],
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
    const safe = safeAttrValue(tag, name, value, cssFilter);
    // js-xss lets `data:image/` through; a stored page never needs inline data, so refuse all of it.
    if ((name === "href" || name === "src") && /^\s*data:/i.test(safe)) return "";
    if (name === "class" && !/^language-[\w-]+$/.test(safe)) return "";
    return safe;
  },
});

/** Removes anything executable from HTML: scripts, event handlers, `javascript:` and `data:` URLs. */
export function sanitizeHtml(html: string): string {
  return sanitizer.process(html);
}

/**
 * Renders an article's Markdown to sanitized HTML.
 * @example renderMarkdown("Hello *world*") // "<p>Hello <em>world</em></p>\n"
 */
export function renderMarkdown(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown, { async: false }));
}

/** The first paragraph as plain text, shortened on a word boundary: the summary when none is given. */
export function summaryFromMarkdown(markdown: string): string {
  // A paragraph that holds only a picture has no text of its own (its alt text describes the picture,
  // not the article), so the summary comes from the first paragraph that does.
  for (const token of marked.lexer(markdown)) {
    if (token.type !== "paragraph") continue;
    const text = collapse(plainText([token]));
    if (text) return shorten(text, SUMMARY_MAX_LENGTH);
  }
  return "";
}

/** Minutes to read, at an unhurried pace; never less than one. */
export function readingMinutes(html: string): number {
  const words = html
    .replace(/<[^>]*>/g, " ")
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  return Math.max(1, Math.ceil(words / WORDS_PER_MINUTE));
}

/** Shortens text to at most `max` characters, cutting at a word boundary and adding an ellipsis. */
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
