/**
 * @module newsroom/mail/compose
 * The emails themselves, each built once as HTML and plain text: an alert for a newly published
 * article, a correction notice, a daily digest, and the confirmation of a subscription. HTML through
 * hono/html (which escapes every value), inline styles, `color-scheme: light dark` so clients that
 * darken mail keep it readable, only the site's own links, no images, no tracking pixel and no
 * click redirects. Each recipient's unsubscribe and manage links are filled in when it is sent
 * (`personalise`), so one stored send serves every recipient.
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { absoluteUrl, type Site } from "../../core/config";
import { noteAnchor } from "../../core/corrections";
import { displayDate } from "../../core/dates";
import { parseList, subjectOf } from "../../core/mail";
import { mailStrings } from "../../core/mail-strings";
import { articlePath, updateAnchor } from "../../targets/document-name";

/** Stand-ins for each recipient's own links, replaced by `personalise`. */
export const UNSUBSCRIBE_URL = "%%unsubscribe-url%%";
export const MANAGE_URL = "%%manage-url%%";

export interface Composed {
  subject: string;
  html: string;
  text: string;
}

/** What an email says about one article. */
export interface MailArticle {
  slug: string;
  title: string;
  summary: string;
  published: number;
}

/** How a list is named in an email or a page, in the site's language (core/mail-strings.ts). */
export function listLabel(list: string, language = "en"): string {
  const parsed = parseList(list);
  const strings = mailStrings(language);
  return parsed ? strings.listLabel(parsed.kind, "slug" in parsed ? parsed.slug : "") : strings.listLabel("", "");
}

const LINK = "color:#1d5fb4;text-decoration:underline";
const MUTED = "color:#6b6b6b;font-size:14px;line-height:1.5";

function page(site: Site, title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>, footer: boolean): string {
  const strings = mailStrings(site.language);
  return String(html`<!doctype html>
<html lang="${site.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${title}</title>
</head>
<body style="margin:0;padding:0">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Georgia,'Times New Roman',serif;font-size:17px;line-height:1.55">
<p style="margin:0 0 24px;font-family:system-ui,sans-serif;font-size:14px;letter-spacing:.04em;text-transform:uppercase"><a href="${site.url}/" style="color:inherit;text-decoration:none">${site.title}</a></p>
${body}
${
  footer
    ? html`<hr style="border:0;border-top:1px solid #8884;margin:32px 0 16px">
<p style="${MUTED};font-family:system-ui,sans-serif">${strings.footer.why(site.title)} <a href="${MANAGE_URL}" style="${LINK}">${strings.footer.manage}</a> · <a href="${UNSUBSCRIBE_URL}" style="${LINK}">${strings.footer.unsubscribe}</a></p>`
    : ""
}
</div>
</body>
</html>`);
}

const textFooter = (site: Site): string => {
  const { footer } = mailStrings(site.language);
  return `\n\n--\n${footer.why(site.title)}\n${footer.manage}: ${MANAGE_URL}\n${footer.unsubscribe}: ${UNSUBSCRIBE_URL}\n`;
};

/** An alert: one article as it is first published. */
export function alertEmail(site: Site, article: MailArticle): Composed {
  const t = mailStrings(site.language);
  const url = absoluteUrl(site, articlePath(article.slug, site.edition));
  const body = html`<h1 style="font-size:26px;line-height:1.25;margin:0 0 12px"><a href="${url}" style="color:inherit;text-decoration:none">${article.title}</a></h1>
<p style="margin:0 0 16px">${article.summary}</p>
<p style="margin:0"><a href="${url}" style="${LINK}">${t.readArticle}</a></p>`;
  return {
    subject: subjectOf(article.title),
    html: page(site, article.title, body, true),
    text: `${article.title}\n\n${article.summary}\n\n${t.readArticle}: ${url}${textFooter(site)}`,
  };
}

/** A correction notice to the readers who were sent the article, and to the corrections list. */
export function correctionEmail(
  site: Site,
  article: { slug: string; title: string },
  correction: { id: string; text: string },
): Composed {
  const t = mailStrings(site.language);
  const url = `${absoluteUrl(site, articlePath(article.slug, site.edition))}#${noteAnchor(correction.id)}`;
  const body = html`<p style="${MUTED};margin:0 0 8px;font-family:system-ui,sans-serif">${t.correction}</p>
<h1 style="font-size:24px;line-height:1.25;margin:0 0 12px">${article.title}</h1>
<p style="margin:0 0 16px">${correction.text}</p>
<p style="margin:0"><a href="${url}" style="${LINK}">${t.readCorrected}</a></p>`;
  return {
    subject: subjectOf(`${t.correction}: ${article.title}`),
    html: page(site, `${t.correction}: ${article.title}`, body, true),
    text: `${t.correction}: ${article.title}\n\n${correction.text}\n\n${t.readCorrected}: ${url}${textFooter(site)}`,
  };
}

/** A live article's key event, to the readers of its `live:<slug>` list. */
export function keyEventEmail(
  site: Site,
  article: { slug: string; title: string },
  update: { id: string; headline: string | null; summary: string },
): Composed {
  const t = mailStrings(site.language);
  const url = `${absoluteUrl(site, articlePath(article.slug, site.edition))}#${updateAnchor(update.id)}`;
  const headline = update.headline ?? update.summary;
  const body = html`<p style="${MUTED};margin:0 0 8px;font-family:system-ui,sans-serif">${t.live}: ${article.title}</p>
<h1 style="font-size:24px;line-height:1.25;margin:0 0 12px">${headline}</h1>
${update.headline ? html`<p style="margin:0 0 16px">${update.summary}</p>` : ""}
<p style="margin:0"><a href="${url}" style="${LINK}">${t.followCoverage}</a></p>`;
  return {
    subject: subjectOf(`${article.title}: ${headline}`),
    html: page(site, headline, body, true),
    text: `${t.live}: ${article.title}\n\n${headline}${update.headline ? `\n\n${update.summary}` : ""}\n\n${t.followCoverage}: ${url}${textFooter(site)}`,
  };
}

/** A daily digest of one list: what was published since the last one. */
export function digestEmail(site: Site, list: string, day: string, articles: MailArticle[]): Composed {
  const t = mailStrings(site.language);
  const heading = `${site.title}: ${listLabel(list, site.language)}, ${day}`;
  const items = articles.map((article) => {
    const url = absoluteUrl(site, articlePath(article.slug, site.edition));
    return html`<h2 style="font-size:20px;line-height:1.3;margin:24px 0 6px"><a href="${url}" style="color:inherit;text-decoration:none">${article.title}</a></h2>
<p style="${MUTED};margin:0 0 6px">${displayDate(article.published, site.language, site.timeZone)}</p>
<p style="margin:0 0 6px">${article.summary}</p>
<p style="margin:0"><a href="${url}" style="${LINK}">${t.readArticle}</a></p>`;
  });
  const text = articles
    .map((a) => `${a.title}\n${a.summary}\n${absoluteUrl(site, articlePath(a.slug, site.edition))}`)
    .join("\n\n");
  return {
    subject: subjectOf(`${t.newArticles(articles.length)}: ${listLabel(list, site.language)}`),
    html: page(site, heading, html`<h1 style="font-size:24px;line-height:1.25;margin:0">${heading}</h1>${items}`, true),
    text: `${heading}\n\n${text}${textFooter(site)}`,
  };
}

/**
 * A manual newsletter: the editor's introduction (plain text; a blank line starts a paragraph),
 * then the articles they picked, in their order.
 */
export function manualEmail(site: Site, subject: string, intro: string, articles: MailArticle[]): Composed {
  const t = mailStrings(site.language);
  const paragraphs = intro
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const items = articles.map((article) => {
    const url = absoluteUrl(site, articlePath(article.slug, site.edition));
    return html`<h2 style="font-size:20px;line-height:1.3;margin:24px 0 6px"><a href="${url}" style="color:inherit;text-decoration:none">${article.title}</a></h2>
<p style="margin:0 0 6px">${article.summary}</p>
<p style="margin:0"><a href="${url}" style="${LINK}">${t.readArticle}</a></p>`;
  });
  const body = html`<h1 style="font-size:26px;line-height:1.25;margin:0 0 12px">${subject}</h1>
${paragraphs.map((p) => html`<p style="margin:0 0 16px">${p}</p>`)}${items}`;
  const text = articles
    .map((a) => `${a.title}\n${a.summary}\n${absoluteUrl(site, articlePath(a.slug, site.edition))}`)
    .join("\n\n");
  return {
    subject: subjectOf(subject),
    html: page(site, subject, body, true),
    text: `${subject}\n\n${paragraphs.join("\n\n")}${text ? `\n\n${text}` : ""}${textFooter(site)}`,
  };
}

/** The confirmation of a subscription: one link to a page with a button. */
export function confirmEmail(site: Site, list: string, mode: string, link: string): Composed {
  const t = mailStrings(site.language);
  const what = `${listLabel(list, site.language)}${mode === "digest" ? t.asDigest : ""}`;
  const body = html`<h1 style="font-size:24px;line-height:1.25;margin:0 0 12px">${t.confirm.heading}</h1>
<p style="margin:0 0 16px">${t.confirm.asked(site.title, what)}</p>
<p style="margin:0 0 16px"><a href="${link}" style="${LINK}">${t.confirm.link}</a></p>
<p style="${MUTED};margin:0">${t.confirm.note}</p>`;
  return {
    subject: subjectOf(t.confirm.subject(site.title)),
    html: page(site, t.confirm.heading, body, false),
    text: `${t.confirm.heading}\n\n${t.confirm.asked(site.title, what)}\n\n${t.confirm.link}: ${link}\n\n${t.confirm.note}\n`,
  };
}

/** One recipient's copy: their own unsubscribe and manage links in place of the stand-ins. */
export function personalise(mail: Composed, links: { unsubscribe: string; manage: string }): Composed {
  const fill = (text: string) => text.replaceAll(UNSUBSCRIBE_URL, links.unsubscribe).replaceAll(MANAGE_URL, links.manage);
  return { subject: mail.subject, html: fill(mail.html), text: fill(mail.text) };
}
