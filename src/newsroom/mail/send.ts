/**
 * @module newsroom/mail/send
 * The one place an email leaves the newsroom: through the `send_email` binding `EMAIL` (Cloudflare
 * Email Service's Workers API, `env.EMAIL.send({ from, to, subject, html, text, headers })`,
 * https://developers.cloudflare.com/email-service/api/send-emails/workers-api/), which builds the
 * MIME message itself. Before that, every value that reaches a header is checked (core/mail.ts's
 * `headerProblem`): a line break anywhere refuses the email, never sends a changed one. With
 * MAIL_CAPTURE=1 (local development and tests, never production) each message is also kept in D1
 * for `GET /api/mail`.
 */

import { ConfigurationError } from "../../core/config";
import { headerProblem, MAX_SUBJECT_LENGTH, normaliseAddress } from "../../core/mail";
import { captureMail } from "../../data/mail";
import type { Composed } from "./compose";

/** What sending needs of the Worker's bindings. */
export type MailBindings = Pick<NewsroomBindings, "EMAIL" | "MAIL_FROM" | "DB"> & { MAIL_CAPTURE?: string };

/** One email to one recipient. */
export interface Outgoing extends Composed {
  to: string;
  /** Extra headers: List-Unsubscribe and List-Unsubscribe-Post. */
  headers?: Record<string, string>;
}

export type SendOutcome = { ok: true } | { ok: false; field: string; problem: string; permanent: boolean };

/** The headers Cloudflare's Email Service accepts from us, besides X- ones (docs: reference/headers). */
const ALLOWED_HEADERS = new Set(["list-unsubscribe", "list-unsubscribe-post", "list-id"]);

/** The sender, checked: MAIL_FROM must be set to an address the binding may send from. */
export function senderOf(env: Pick<MailBindings, "MAIL_FROM">): string {
  const from = normaliseAddress(env.MAIL_FROM ?? "");
  if (!from)
    throw new ConfigurationError(`[vars] MAIL_FROM must be an email address, not ${JSON.stringify(env.MAIL_FROM ?? "")}`);
  return from;
}

/** Why `mail` may not be sent as it is, naming the field; or null. */
export function mailProblem(mail: Outgoing, from: string): { field: string; problem: string } | null {
  if (normaliseAddress(mail.to) !== mail.to) return { field: "to", problem: "is not an address we send to" };
  const subject = headerProblem(mail.subject, MAX_SUBJECT_LENGTH);
  if (subject) return { field: "subject", problem: subject };
  const sender = headerProblem(from);
  if (sender) return { field: "from", problem: sender };
  for (const [name, value] of Object.entries(mail.headers ?? {})) {
    if (!/^[A-Za-z0-9-]{1,76}$/.test(name) || !(ALLOWED_HEADERS.has(name.toLowerCase()) || /^x-/i.test(name)))
      return { field: `headers.${name}`, problem: "is not a header we set" };
    const problem = headerProblem(value);
    if (problem) return { field: `headers.${name}`, problem };
  }
  return null;
}

/**
 * Sends one email, or refuses it with the field and problem. A refusal by the binding is a
 * failure the caller may retry (`permanent: false`); a header that fails the check never is.
 */
export async function sendMail(env: MailBindings, mail: Outgoing, now: number): Promise<SendOutcome> {
  const from = senderOf(env);
  const problem = mailProblem(mail, from);
  if (problem) return { ok: false, ...problem, permanent: true };
  const headers = mail.headers ?? {};
  try {
    await env.EMAIL.send({ from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text, headers });
  } catch (error) {
    return { ok: false, field: "EMAIL", problem: error instanceof Error ? error.message : String(error), permanent: false };
  }
  if (env.MAIL_CAPTURE === "1") {
    await captureMail(
      env.DB,
      { recipient: mail.to, sender: from, subject: mail.subject, headers, html: mail.html, text: mail.text },
      now,
    );
  }
  return { ok: true };
}
