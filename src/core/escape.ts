/**
 * @module core/escape
 * All escaping for HTML, XML and JSON lives here. Pages are built with hono/jsx, which escapes text
 * and attributes itself; this module covers what hono/jsx does not see: feeds and embedded JSON.
 */

// XML 1.0 §2.2: only tab, LF and CR are allowed below U+0020; U+FFFE, U+FFFF and lone surrogates never.
const XML_FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML or XML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Removes characters that XML 1.0 forbids, which would make a whole feed unparseable. */
export function stripXmlForbidden(text: string): string {
  return text.replace(XML_FORBIDDEN, "");
}

/** Escaped, XML-safe text. */
export function escapeXml(text: string): string {
  return escapeHtml(stripXmlForbidden(text));
}

/** A piece of XML that is already safe, and so is not escaped again when interpolated. */
export class XmlFragment {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type XmlValue = string | number | XmlFragment | null | undefined | false | XmlValue[];

/**
 * Tagged template for XML: every interpolated value is escaped unless it is an XmlFragment.
 * @example xml`<title>${"Fish & chips"}</title>` // <title>Fish &amp; chips</title>
 */
export function xml(strings: TemplateStringsArray, ...values: XmlValue[]): XmlFragment {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += xmlValue(value) + (strings[i + 1] ?? "");
  });
  return new XmlFragment(out);
}

function xmlValue(value: XmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(xmlValue).join("");
  if (value instanceof XmlFragment) return value.value;
  return escapeXml(String(value));
}

/**
 * Wraps text in CDATA. A `]]>` inside would end the section early, so it is split across two.
 * @example cdata("a]]>b") // <![CDATA[a]]]]><![CDATA[>b]]>
 */
export function cdata(text: string): XmlFragment {
  return new XmlFragment(`<![CDATA[${stripXmlForbidden(text).replaceAll("]]>", "]]]]><![CDATA[>")}]]>`);
}

/**
 * JSON that is safe inside an HTML `<script>` element: `<`, `>` and `&` cannot close the element or
 * open a comment, and U+2028/U+2029 cannot break older parsers.
 */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
