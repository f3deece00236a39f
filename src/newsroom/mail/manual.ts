/**
 * @module newsroom/mail/manual
 * A manual newsletter, as the API and the desk both take it: the editor's list, subject,
 * introduction and articles, checked (a header-safe subject, a list that exists, public articles),
 * built once, then previewed, tested on one address, or stored as a send to the whole list, now or
 * at `sendAt`.
 */
import * as v from "valibot";
import type { Site } from "../../core/config";
import { headerProblem, MAX_SUBJECT_LENGTH, normaliseAddress, parseList } from "../../core/mail";
import type { FieldProblem } from "../../core/schema";
import { publicArticlesBySlug, recordSends } from "../../data/mail";
import { type Composed, manualEmail } from "./compose";
import { editionSites, listExists } from "./editions";
import { mailArticle } from "./fanout";
import { type MailBindings, sendMail } from "./send";

/** Articles one manual newsletter may carry. */
export const MAX_ARTICLES = 20;
/** How far ahead a manual newsletter may be scheduled. */
const MAX_SCHEDULE_MS = 366 * 86_400_000;

export const manualSchema = v.strictObject({
  list: v.pipe(
    v.string(),
    v.check((text) => parseList(text) !== null, "is not the name of a list"),
  ),
  subject: v.pipe(
    v.string(),
    v.minLength(1, "is required"),
    v.check(
      (text) => headerProblem(text, MAX_SUBJECT_LENGTH) === null,
      `must be one line of at most ${MAX_SUBJECT_LENGTH} characters`,
    ),
  ),
  intro: v.optional(v.pipe(v.string(), v.maxLength(5000, "is longer than 5,000 characters")), ""),
  articles: v.pipe(v.array(v.string()), v.maxLength(MAX_ARTICLES, `has more than ${MAX_ARTICLES} articles`)),
  sendAt: v.optional(v.pipe(v.string(), v.isoTimestamp("is not an ISO date-time with a time zone"))),
  preview: v.optional(v.boolean()),
  testTo: v.optional(v.string()),
});
export type ManualInput = v.InferOutput<typeof manualSchema>;

export type Prepared =
  | { ok: true; mail: Composed; due: number }
  | { ok: false; status: 400 | 404; error: string; details: FieldProblem[] };

/** Checks a manual newsletter (raw input) and builds it. */
export async function prepareManual(
  db: D1Database,
  site: Site,
  body: unknown,
  now: number,
): Promise<Prepared & { input?: ManualInput }> {
  const parsed = v.safeParse(manualSchema, body);
  if (!parsed.success)
    return {
      ok: false,
      status: 400,
      error: "The newsletter is not valid",
      details: parsed.issues.map((issue) => ({ field: v.getDotPath(issue) ?? "body", problem: issue.message })),
    };
  const input = parsed.output;
  const target = parseList(input.list);
  if (target && !(await listExists(db, site, target)))
    return { ok: false, status: 404, error: "No such list", details: [{ field: "list", problem: "names nothing on this site" }] };
  const rows = await publicArticlesBySlug(db, input.articles, now);
  const missing = input.articles.filter((slug) => !rows.some((row) => row.slug === slug));
  if (missing.length)
    return {
      ok: false,
      status: 404,
      error: "Some articles are not public",
      details: [{ field: "articles", problem: `${missing.join(", ").slice(0, 300)} names no public article` }],
    };
  const due = input.sendAt === undefined ? now : Date.parse(input.sendAt);
  if (due > now + MAX_SCHEDULE_MS)
    return {
      ok: false,
      status: 400,
      error: "The newsletter is not valid",
      details: [{ field: "sendAt", problem: "is more than a year away" }],
    };
  const ordered = input.articles.flatMap((slug) => rows.filter((row) => row.slug === slug)).map(mailArticle);
  const editionSite = target ? await editionSites(db, site)(target.edition) : site;
  return { ok: true, mail: manualEmail(editionSite, input.subject, input.intro, ordered), due: Math.max(due, now), input };
}

/** Sends the newsletter to one address alone, marked as a test. */
export async function sendTest(env: MailBindings, mail: Composed, address: string, now: number): Promise<FieldProblem | null> {
  const to = normaliseAddress(address);
  if (!to) return { field: "testTo", problem: "is not an email address" };
  const sent = await sendMail(env, { ...mail, subject: `[Test] ${mail.subject}`.slice(0, MAX_SUBJECT_LENGTH), to }, now);
  return sent.ok ? null : { field: sent.field, problem: sent.problem };
}

/** Stores it as a send to the whole list; the after-write look or the cron queues it when due. */
export async function scheduleManual(db: D1Database, list: string, mail: Composed, due: number, now: number): Promise<void> {
  await recordSends(db, [{ kind: "manual", list, scope: `manual:${crypto.randomUUID()}`, due, ...mail }], [], now);
}
