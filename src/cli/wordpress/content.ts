/**
 * @module cli/wordpress/content
 * A WordPress post's content as the project's Markdown. In order:
 * 1. the block editor's comments (`<!-- wp:paragraph -->`) go;
 * 2. shortcodes: `[caption]` and `[gallery]` become images with captions, `[embed]` and a bare URL
 *    on its own line (WordPress's oEmbed) become links; any other shortcode's brackets go, its
 *    enclosed text stays, and its name is reported;
 * 3. classic-editor text gets its paragraphs (WordPress adds them on display: `wpautop`);
 * 4. linkedom parses the HTML and turndown writes Markdown, without scripts, styles, iframes and
 *    forms. The site sanitizes the Markdown's HTML again when the article is saved, as it does for
 *    every article.
 * Images keep their source URLs here; the importer uploads them and rewrites the URLs.
 */
import { parseHTML } from "linkedom";
import TurndownService from "turndown";

/** An image WordPress stores: an attachment, by its post id. */
export interface Attachment {
  id: string;
  url: string;
  alt: string;
  caption: string;
}

export interface ConvertedContent {
  markdown: string;
  /** Every image's source URL, in order. */
  images: string[];
  /** Shortcodes that were removed (their names, each once), for the report. */
  dropped: string[];
  /** Gallery ids that name no attachment in the export. */
  missingAttachments: string[];
}

const SHORTCODE_NAME = "[a-z][a-z0-9_-]*";
/** WordPress's shortcode attributes: name="value", name='value', name=value, or a bare value. */
const ATTRIBUTE = /([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"\]]+))/g;

function attributes(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of text.matchAll(ATTRIBUTE))
    found[(match[1] as string).toLowerCase()] = match[2] ?? match[3] ?? match[4] ?? "";
  return found;
}

const escapeAttr = (text: string) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
const escapeText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const figure = (src: string, alt: string, caption: string) =>
  `\n\n<figure><img src="${escapeAttr(src)}" alt="${escapeAttr(alt)}">${caption ? `<figcaption>${escapeText(caption)}</figcaption>` : ""}</figure>\n\n`;

/** Block elements: content with none of them at its top is classic-editor text, paragraphs by blank line. */
const BLOCK = /<(?:p|div|h[1-6]|ul|ol|blockquote|figure|table|pre)\b/i;

/** WordPress's `wpautop`, in short: a blank line ends a paragraph, a single newline is a line break. */
function autop(html: string): string {
  if (BLOCK.test(html)) return html;
  return html
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => `<p>${block.replace(/\n/g, "<br>\n")}</p>`)
    .join("\n");
}

function turndown(): TurndownService {
  const service = new TurndownService({
    headingStyle: "atx",
    codeBlockStyle: "fenced",
    bulletListMarker: "-",
    emDelimiter: "*",
    strongDelimiter: "**",
    hr: "---",
  });
  service.remove(["script", "style", "iframe", "object", "embed", "form", "input", "button", "select", "textarea", "noscript"]);
  // One space after a list marker, as the project's articles are written.
  service.addRule("listItem", {
    filter: "li",
    replacement(content, node) {
      const parent = node.parentNode as { nodeName: string; children: ArrayLike<unknown> } | null;
      const index = parent ? Array.prototype.indexOf.call(parent.children, node) : 0;
      const marker = parent?.nodeName === "OL" ? `${index + 1}. ` : "- ";
      const body = content
        .replace(/^\n+/, "")
        .replace(/\n+$/, "\n")
        .replace(/\n/gm, `\n${" ".repeat(marker.length)}`);
      return `${marker}${body.trimEnd()}${node.nextSibling ? "\n" : ""}`;
    },
  });
  // A figure is its image, then its caption in italics.
  service.addRule("figure", {
    filter: "figure",
    replacement(_content, node) {
      const element = node as unknown as ElementLike;
      const img = element.querySelector("img");
      const caption = element.querySelector("figcaption")?.textContent?.replace(/\s+/g, " ").trim() ?? "";
      if (!img) return caption ? `\n\n*${caption}*\n\n` : "";
      const alt = (img.getAttribute("alt") ?? "")
        .replace(/[[\]\\]/g, "\\$&")
        .replace(/\s+/g, " ")
        .trim();
      const src = img.getAttribute("src") ?? "";
      return `\n\n![${alt}](<${src}>)${caption ? `\n\n*${caption.replace(/[*_]/g, "\\$&")}*` : ""}\n\n`;
    },
  });
  service.addRule("image", {
    filter: "img",
    replacement(_content, node) {
      const img = node as unknown as ElementLike;
      const src = img.getAttribute("src") ?? "";
      if (!src) return "";
      const alt = (img.getAttribute("alt") ?? "")
        .replace(/[[\]\\]/g, "\\$&")
        .replace(/\s+/g, " ")
        .trim();
      return `![${alt}](<${src}>)`;
    },
  });
  return service;
}

/** What the rules read of a DOM element (the CLI compiles without the DOM's types). */
interface ElementLike {
  getAttribute(name: string): string | null;
  querySelector(selector: string): ElementLike | null;
  textContent: string | null;
}

let service: TurndownService | undefined;

/**
 * Converts one post's `content:encoded`.
 * @example convertContent('[caption id="attachment_7"]<img src="/a.jpg" alt="A"> The caption[/caption]', new Map()).markdown
 * // "![A](</a.jpg>)\n\n*The caption*"
 */
export function convertContent(html: string, attachments: ReadonlyMap<string, Attachment>): ConvertedContent {
  const dropped = new Set<string>();
  const missingAttachments: string[] = [];
  // 1. The block editor's comments, and any other comment.
  let text = html.replace(/<!--[\s\S]*?-->/g, "");
  // 2. Shortcodes, captions first: their images carry their own caption text.
  text = text.replace(/\[caption([^\]]*)\]([\s\S]*?)\[\/caption\]/gi, (_all, attrs: string, inner: string) => {
    const img = /<img\b[^>]*>/i.exec(inner)?.[0] ?? "";
    const src = /\bsrc\s*=\s*["']([^"']+)["']/i.exec(img)?.[1] ?? "";
    const alt = /\balt\s*=\s*["']([^"']*)["']/i.exec(img)?.[1] ?? "";
    const caption = (attributes(attrs).caption ?? inner.replace(/<a\b[^>]*>[\s\S]*?<\/a>|<img\b[^>]*>/gi, ""))
      .replace(/<[^>]+>/g, "")
      .trim();
    return src ? figure(src, alt || caption, caption) : caption ? `<p>${escapeText(caption)}</p>` : "";
  });
  text = text.replace(/\[gallery([^\]]*)\]/gi, (_all, attrs: string) => {
    const ids = (attributes(attrs).ids ?? "")
      .split(",")
      .map((id) => id.trim())
      .filter(Boolean);
    return ids
      .map((id) => {
        const attachment = attachments.get(id);
        if (!attachment) {
          missingAttachments.push(id);
          return "";
        }
        return figure(attachment.url, attachment.alt || attachment.caption, attachment.caption);
      })
      .join("");
  });
  text = text.replace(/\[embed([^\]]*)\]([\s\S]*?)\[\/embed\]/gi, (_all, _attrs: string, url: string) => link(url.trim()));
  // A bare URL on a line of its own is an oEmbed in WordPress: a link here.
  text = text.replace(/^[ \t]*(https?:\/\/[^\s<>"]+)[ \t]*$/gim, (_all, url: string) => link(url));
  // Every other shortcode: the brackets go, what they enclose stays. Only WordPress knows which
  // names are registered; a bracket is taken for one when it has attributes, a closing tag, or a
  // name with - or _, so prose like "[sic]" and "[1]" stays.
  const closed = new Set([...text.matchAll(new RegExp(`\\[\\/(${SHORTCODE_NAME})\\]`, "g"))].map((m) => m[1] as string));
  text = text.replace(
    new RegExp(`\\[(\\/?)(${SHORTCODE_NAME})(\\s[^\\]]*)?\\/?\\]`, "g"),
    (all, _close, name: string, attrs?: string) => {
      if (!closed.has(name) && !attrs?.includes("=") && !/[-_]/.test(name)) return all;
      dropped.add(name);
      return "";
    },
  );
  // 3 and 4.
  const { document } = parseHTML(`<!doctype html><html><body>${autop(text)}</body></html>`);
  service ??= turndown();
  const markdown = service
    .turndown(document.body as unknown as Parameters<TurndownService["turndown"]>[0])
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const images = [...markdown.matchAll(/!\[(?:[^\]\\]|\\.)*\]\(<([^>]*)>\)/g)].map((m) => m[1] as string);
  return { markdown, images, dropped: [...dropped], missingAttachments };
}

function link(url: string): string {
  if (!/^https?:\/\//i.test(url)) return "";
  return `\n\n<p><a href="${escapeAttr(url)}">${escapeText(url)}</a></p>\n\n`;
}
