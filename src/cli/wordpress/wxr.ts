/**
 * @module cli/wordpress/wxr
 * Reads a WordPress export (WXR 1.1 and 1.2: RSS 2.0 with the `wp:`, `content:`, `excerpt:` and
 * `dc:` namespaces) as a stream, with saxes: a 500 MB export never has to fit in memory, and each
 * `<item>` is handed on as soon as it closes. A DOCTYPE is refused outright, so no external entity
 * (XXE) and no entity expansion ("billion laughs") is ever read; saxes itself expands only XML's five
 * predefined entities. Malformed XML is reported with its line and column.
 */
import type { Readable } from "node:stream";
import { SaxesParser } from "saxes";

export interface WxrAuthor {
  login: string;
  email?: string;
  displayName: string;
  firstName?: string;
  lastName?: string;
}

export interface WxrTerm {
  /** `category` or `post_tag` (or any other taxonomy). */
  domain: string;
  nicename: string;
  name: string;
}

export interface WxrCategory {
  id?: string;
  nicename: string;
  name: string;
  parent?: string;
}

/** One `<item>`: a post, page, attachment, menu item or anything else WordPress exports. */
export interface WxrItem {
  title: string;
  link: string;
  guid: string;
  creator: string;
  content: string;
  excerpt: string;
  id: string;
  postDate: string;
  postDateGmt: string;
  modifiedGmt: string;
  postName: string;
  status: string;
  postType: string;
  parent: string;
  attachmentUrl: string;
  terms: WxrTerm[];
  meta: Map<string, string>;
  /** Comments are counted, never imported. */
  comments: number;
}

export interface WxrSite {
  title: string;
  link: string;
  baseSiteUrl: string;
  version: string;
}

export interface WxrHandlers {
  site?(site: WxrSite): void;
  author?(author: WxrAuthor): void;
  category?(category: WxrCategory): void;
  item(item: WxrItem): void | Promise<void>;
}

/** The XML is not a WXR this reader can take: malformed, hostile, or not WordPress's. */
export class WxrError extends Error {
  override name = "WxrError";
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line === undefined ? message : `line ${line}, column ${column ?? 0}: ${message}`);
  }
}

const emptyItem = (): WxrItem => ({
  title: "",
  link: "",
  guid: "",
  creator: "",
  content: "",
  excerpt: "",
  id: "",
  postDate: "",
  postDateGmt: "",
  modifiedGmt: "",
  postName: "",
  status: "",
  postType: "",
  parent: "",
  attachmentUrl: "",
  terms: [],
  meta: new Map(),
  comments: 0,
});

/** The longest text one element may hold: far past any real post, short of exhausting memory. */
const MAX_TEXT = 16 * 1024 * 1024;

/**
 * Streams a WXR file through `handlers`. An item's handler may be async: reading pauses until it
 * settles, so a slow upload never lets the parsed items pile up in memory.
 */
export async function readWxr(input: Readable, handlers: WxrHandlers): Promise<{ items: number }> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: string[] = [];
  let text = "";
  let item: WxrItem | undefined;
  let author: Partial<WxrAuthor> | undefined;
  let category: Partial<WxrCategory> | undefined;
  let meta: { key: string; value: string } | undefined;
  let term: WxrTerm | undefined;
  let inComment = false;
  const site: WxrSite = { title: "", link: "", baseSiteUrl: "", version: "" };
  let siteSent = false;
  let sawRss = false;
  let items = 0;
  const pending: WxrItem[] = [];
  let failure: Error | undefined;

  const fail = (message: string) => {
    failure ??= new WxrError(message, parser.line, parser.column);
  };

  parser.on("doctype", () =>
    fail("has a DOCTYPE: WordPress exports never do, and its entities could read files or expand without end"),
  );
  parser.on("error", (error) => {
    failure ??= new WxrError(error.message.replace(/^[^:]*:\d+:\d+: /, ""), parser.line, parser.column);
  });
  parser.on("opentag", (tag) => {
    const name = tag.name;
    if (stack.length === 0 && name !== "rss") fail(`starts with <${name}>, not <rss>: this is not a WordPress export`);
    if (name === "rss") sawRss = true;
    stack.push(name);
    text = "";
    if (name === "item" && stack.length === 3) item = emptyItem();
    else if (name === "wp:author" && !item) author = {};
    else if (name === "wp:category" && !item) category = {};
    else if (name === "wp:postmeta" && item) meta = { key: "", value: "" };
    else if (name === "wp:comment" && item) inComment = true;
    else if (name === "category" && item) {
      const attr = (key: string): string => tag.attributes[key] ?? "";
      term = { domain: attr("domain"), nicename: attr("nicename"), name: "" };
    }
  });
  const onText = (chunk: string) => {
    if (text.length + chunk.length > MAX_TEXT) return fail(`an element holds more than ${MAX_TEXT} characters`);
    text += chunk;
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  parser.on("closetag", (tag) => {
    const name = tag.name;
    const value = text;
    text = "";
    stack.pop();
    if (item) {
      if (inComment) {
        if (name === "wp:comment") {
          inComment = false;
          item.comments++;
        }
        return;
      }
      if (meta) {
        if (name === "wp:meta_key") meta.key = value.trim();
        else if (name === "wp:meta_value") meta.value = value;
        else if (name === "wp:postmeta") {
          item.meta.set(meta.key, meta.value);
          meta = undefined;
        }
        return;
      }
      switch (name) {
        case "title":
          item.title = value.trim();
          break;
        case "link":
          item.link = value.trim();
          break;
        case "guid":
          item.guid = value.trim();
          break;
        case "dc:creator":
          item.creator = value.trim();
          break;
        case "content:encoded":
          item.content = value;
          break;
        case "excerpt:encoded":
          item.excerpt = value;
          break;
        case "wp:post_id":
          item.id = value.trim();
          break;
        case "wp:post_date":
          item.postDate = value.trim();
          break;
        case "wp:post_date_gmt":
          item.postDateGmt = value.trim();
          break;
        case "wp:post_modified_gmt":
          item.modifiedGmt = value.trim();
          break;
        case "wp:post_name":
          item.postName = value.trim();
          break;
        case "wp:status":
          item.status = value.trim();
          break;
        case "wp:post_type":
          item.postType = value.trim();
          break;
        case "wp:post_parent":
          item.parent = value.trim();
          break;
        case "wp:attachment_url":
          item.attachmentUrl = value.trim();
          break;
        case "category":
          if (term) item.terms.push({ ...term, name: value.trim() });
          term = undefined;
          break;
        case "item":
          pending.push(item);
          item = undefined;
          items++;
          break;
      }
      return;
    }
    if (author) {
      const field: Record<string, keyof WxrAuthor> = {
        "wp:author_login": "login",
        "wp:author_email": "email",
        "wp:author_display_name": "displayName",
        "wp:author_first_name": "firstName",
        "wp:author_last_name": "lastName",
      };
      const key = field[name];
      if (key) author[key] = value.trim();
      else if (name === "wp:author") {
        if (author.login) handlers.author?.({ ...author, login: author.login, displayName: author.displayName || author.login });
        author = undefined;
      }
      return;
    }
    if (category) {
      if (name === "wp:term_id") category.id = value.trim();
      else if (name === "wp:category_nicename") category.nicename = value.trim();
      else if (name === "wp:cat_name") category.name = value.trim();
      else if (name === "wp:category_parent") category.parent = value.trim() || undefined;
      else if (name === "wp:category") {
        if (category.nicename)
          handlers.category?.({
            ...(category.id ? { id: category.id } : {}),
            nicename: category.nicename,
            name: category.name || category.nicename,
            ...(category.parent ? { parent: category.parent } : {}),
          });
        category = undefined;
      }
      return;
    }
    if (stack.length === 2) {
      if (name === "title") site.title = value.trim();
      else if (name === "link") site.link = value.trim();
      else if (name === "wp:base_site_url") site.baseSiteUrl = value.trim();
      else if (name === "wp:wxr_version") site.version = value.trim();
    }
  });

  const flush = async () => {
    if (!siteSent && (pending.length || site.version)) {
      siteSent = true;
      handlers.site?.(site);
    }
    while (pending.length) {
      const next = pending.shift() as WxrItem;
      await handlers.item(next);
    }
  };

  input.setEncoding("utf8");
  for await (const chunk of input) {
    parser.write(chunk as string);
    if (failure) throw failure;
    await flush();
  }
  parser.close();
  if (failure) throw failure;
  if (!sawRss) throw new WxrError("is empty: no <rss> element");
  if (!site.version) {
    // WXR 1.0 and other RSS have no wp:wxr_version: say so rather than import a feed by mistake.
    throw new WxrError("has no <wp:wxr_version>: this is not a WordPress export (WXR 1.1 or 1.2)");
  }
  await flush();
  return { items };
}
