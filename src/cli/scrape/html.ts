/**
 * @module cli/scrape/html
 * Turns a saved article page (.html) into the plain text a scrape gives, so that one cleaner serves
 * both: @mozilla/readability finds the article and drops navigation, ads and comments, over
 * linkedom's DOM (small and DOM-only, unlike jsdom). Used by the CLI only; the Worker never parses HTML.
 */
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";

// Elements that start a new paragraph of text; everything else is inline and joins its neighbours.
const BLOCKS = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "caption",
  "dd",
  "div",
  "dl",
  "dt",
  "figcaption",
  "figure",
  "footer",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "li",
  "main",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "td",
  "th",
  "tr",
  "ul",
]);
const SKIPPED = new Set(["script", "style", "noscript", "template", "svg", "button", "form"]);

/** The parts of a DOM node this module reads: linkedom's nodes have them, without the DOM library types. */
interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

export interface PageText {
  /** The article as scrape-like text: headline, byline, date, section, then one paragraph a line. */
  text: string;
  /** What the page's metadata gave, for the report. */
  found: string[];
}

/**
 * The article on a saved page, as plain text for the cleaner; undefined when Readability finds no article.
 * @example htmlToText("<html><head><title>A headline</title>…<article><p>First paragraph.</p>…")
 * // { text: "A headline\n\nFirst paragraph.\n", found: ['title "A headline"'] }
 */
export function htmlToText(html: string): PageText | undefined {
  const { document } = parseHTML(html);
  // Readability changes the document it reads, so the section and the lead photo's caption are read first.
  const section = document.querySelector('meta[property="article:section"]')?.getAttribute("content")?.trim();
  const leadCaption = (document.querySelector("article figcaption") ?? document.querySelector("main figcaption"))?.textContent
    ?.replace(/\s+/g, " ")
    .trim();
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  if (!article?.content) return undefined;
  const found: string[] = [];
  const head: string[] = [];
  const title = article.title?.trim();
  if (title) {
    head.push(title);
    found.push(`title "${title}"`);
  }
  const byline = article.byline?.replace(/\s+/g, " ").trim();
  if (byline) {
    head.push(/^by\s/i.test(byline) ? byline : `By ${byline}`);
    found.push(`byline "${byline}"`);
  }
  if (article.publishedTime) {
    head.push(`Published: ${article.publishedTime.trim()}`);
    found.push(`published time ${article.publishedTime.trim()}`);
  }
  if (section) {
    head.push(`Category: ${section}`);
    found.push(`section "${section}"`);
  }
  const content = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document;
  const paragraphs: string[] = [];
  collectBlocks(content.body as unknown as DomNode, paragraphs);
  // Readability often leaves out a lead photo that sits beside the story's text rather than in it.
  if (leadCaption && !paragraphs.includes(leadCaption)) {
    head.push(leadCaption);
    found.push("the lead photo's caption, which Readability left out");
  }
  return { text: `${[...head, ...paragraphs].join("\n\n")}\n`, found };
}

/** Appends the text of each block under `node` as one paragraph; inline runs between blocks are paragraphs too. */
function collectBlocks(node: DomNode, out: string[]): void {
  let inline = "";
  const flush = () => {
    const text = inline.replace(/\s+/g, " ").trim();
    if (text) out.push(text);
    inline = "";
  };
  for (const child of Array.from(node.childNodes)) {
    const tag = child.nodeName.toLowerCase();
    if (child.nodeType === 3) inline += child.textContent ?? "";
    else if (child.nodeType !== 1 || SKIPPED.has(tag)) continue;
    else if (tag === "br") flush();
    else if (BLOCKS.has(tag)) {
      flush();
      collectBlocks(child, out);
    } else inline += child.textContent ?? "";
  }
  flush();
}
