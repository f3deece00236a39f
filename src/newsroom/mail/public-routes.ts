/**
 * @module newsroom/mail/public-routes
 * The reader-facing newsletter routes, which the reader Worker hands to the newsroom over its
 * service binding (the reader itself stays read-only). Every one is open: a reader has no account.
 *
 *   POST /subscribe                  form: email, list, mode → "check your inbox", whatever the address
 *   GET  /subscribe/confirm?t=…      a page with a button; POST confirms (mail scanners follow links, never forms)
 *   GET  /unsubscribe?t=…            a page with a button; POST unsubscribes (RFC 8058 one-click: no session)
 *   GET  /subscribe/manage?t=…       the reader's subscriptions; POST changes a mode or leaves a list
 *
 * Bad input gets a page naming the problem (400 bad field or link, 404 unknown list or
 * subscription, 410 expired or used link, 429 too many) and stores nothing. Nothing here is cached,
 * and no page sends a Referer, since the tokens travel in the URL.
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { NO_STORE } from "../../cache/policy";
import { siteFromEnv } from "../../core/config";
import { isMode, listName, MAX_ADDRESS_LENGTH, MAX_LIST_LENGTH, normaliseAddress, parseList } from "../../core/mail";
import {
  confirmSubscription,
  getSubscription,
  liftSuppression,
  requestSubscription,
  setMode,
  subscriptionsOf,
  unsubscribe,
} from "../../data/mail";
import type { AppEnv } from "../app-env";
import { onError } from "../errors";
import { clientAddress } from "../failed-auth";
import { open } from "../permissions";
import { confirmEmail, listLabel } from "./compose";
import { editionSites, listExists } from "./editions";
import { sendMail } from "./send";
import { CONFIRM_VALID_MS, randomNonce, signToken, suppressionHash, verifyToken } from "./tokens";

/** Seconds a client over the subscription limit is told to wait: the limiter's period. */
const RETRY_AFTER_SECONDS = 60;
/** Forms here are a few short fields. */
const MAX_FORM_BYTES = 8 * 1024;
/** Cloudflare Turnstile's server-side check (https://developers.cloudflare.com/turnstile/get-started/server-side-validation/). */
const TURNSTILE_VERIFY = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

type Status = 200 | 400 | 404 | 410 | 413 | 429;

function page(c: Context<AppEnv>, status: Status, title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  const site = siteFromEnv(c.env);
  c.header("Cache-Control", NO_STORE);
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Frame-Options", "DENY");
  c.header("X-Content-Type-Options", "nosniff");
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  );
  return c.html(
    html`<!doctype html>
<html lang="${site.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="color-scheme" content="light dark">
<title>${title} · ${site.title}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5">
<p><a href="/" style="color:inherit">${site.title}</a></p>
<h1>${title}</h1>
${body}
</body></html>`,
    status,
  );
}

const problem = (c: Context<AppEnv>, status: Status, title: string, text: string) => page(c, status, title, html`<p>${text}</p>`);

const formLimit = bodyLimit({
  maxSize: MAX_FORM_BYTES,
  onError: (c) => problem(c as Context<AppEnv>, 413, "Too much", "The form sent more than it should."),
});

/** The form's fields as text; a field sent twice or as a file is not text. */
async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") return {};
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === "string") fields[name] = value;
  return fields;
}

/** Turnstile's answer for this form, when TURNSTILE_SECRET is set; true when it is not. */
async function turnstilePassed(c: Context<AppEnv>, token: string | undefined): Promise<boolean> {
  const secret = (c.env as { TURNSTILE_SECRET?: string }).TURNSTILE_SECRET;
  if (!secret) return true;
  if (!token || token.length > 2048) return false;
  const body = new FormData();
  body.set("secret", secret);
  body.set("response", token);
  body.set("remoteip", clientAddress(c.req.raw.headers));
  try {
    const answer = await c.var.fetch(new Request(TURNSTILE_VERIFY, { method: "POST", body }));
    const result = (await answer.json()) as { success?: unknown };
    return result.success === true;
  } catch {
    return false;
  }
}

/** A link's token: `t` from the query, or from the form. */
const tokenOf = (c: Context<AppEnv>, fields: Record<string, string> = {}): string => c.req.query("t") ?? fields.t ?? "";

type ConfirmCheck = { ok: true; id: string; nonce: string } | { ok: false; status: 400 | 404 | 410; title: string; text: string };

/** A confirmation link checked: signed, not expired, for a subscription that is still waiting for it. */
async function checkConfirm(c: Context<AppEnv>, token: string): Promise<ConfirmCheck> {
  const fields = await verifyToken(c.env.DESK_SECRET, "mail-confirm", token, 3);
  const [id = "", nonce = "", expires = ""] = fields ?? [];
  if (!fields || !/^\d{1,15}$/.test(expires))
    return { ok: false, status: 400, title: "This link is not valid", text: "Check that the whole link was copied." };
  if (Number(expires) < c.var.clock.now())
    return {
      ok: false,
      status: 410,
      title: "This link has expired",
      text: "Links work for 7 days. Subscribe again for a new one.",
    };
  const subscription = await getSubscription(c.env.DB, id);
  if (!subscription)
    return { ok: false, status: 404, title: "No such subscription", text: "It was cancelled, or the address was erased." };
  if (subscription.confirmed_at !== null || subscription.nonce !== nonce)
    return {
      ok: false,
      status: 410,
      title: "This link was used already",
      text: "Each link confirms once; a newer one may have been sent.",
    };
  return { ok: true, id, nonce };
}

type SubscriberCheck = { ok: true; subscriberId: number; list: string } | { ok: false };

/** A subscriber's id as a token carries it: digits, a safe integer. */
const subscriberIdOf = (text: string | undefined): number | null =>
  text && /^[1-9]\d{0,15}$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;

async function checkUnsubscribe(c: Context<AppEnv>, token: string): Promise<SubscriberCheck> {
  const fields = await verifyToken(c.env.DESK_SECRET, "mail-unsubscribe", token, 2);
  const id = subscriberIdOf(fields?.[0]);
  return id !== null && fields?.[1] ? { ok: true, subscriberId: id, list: fields[1] } : { ok: false };
}

async function checkManage(c: Context<AppEnv>, token: string): Promise<SubscriberCheck> {
  const fields = await verifyToken(c.env.DESK_SECRET, "mail-manage", token, 1);
  const id = subscriberIdOf(fields?.[0]);
  return id !== null ? { ok: true, subscriberId: id, list: "*" } : { ok: false };
}

const badLink = (c: Context<AppEnv>) => problem(c, 400, "This link is not valid", "Check that the whole link was copied.");

const button = (action: string, token: string, label: string, extra: Record<string, string> = {}) =>
  html`<form method="post" action="${action}"><input type="hidden" name="t" value="${token}">${Object.entries(extra).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<button type="submit">${label}</button></form>`;

export const mailPublicRoutes = new Hono<AppEnv>()
  .post("/subscribe", open("readers subscribe without an account; rate-limited per client"), formLimit, async (c) => {
    const { success } = await c.env.SUBSCRIBE_LIMITER.limit({ key: clientAddress(c.req.raw.headers) });
    if (!success) {
      c.header("Retry-After", String(RETRY_AFTER_SECONDS));
      return problem(c, 429, "Too many requests", `Try again in ${RETRY_AFTER_SECONDS} seconds.`);
    }
    const fields = await formFields(c);
    if (!(await turnstilePassed(c, fields["cf-turnstile-response"])))
      return problem(c, 400, "Please try again", "The check that you are a person did not pass (cf-turnstile-response).");
    const rawEmail = fields.email ?? "";
    const email = rawEmail.length <= MAX_ADDRESS_LENGTH ? normaliseAddress(rawEmail) : null;
    if (!email) return problem(c, 400, "That address will not work", "The email field is not an address we can send to.");
    const listText = fields.list ?? "home";
    const list = listText.length <= MAX_LIST_LENGTH ? parseList(listText) : null;
    if (!list) return problem(c, 400, "No such list", "The list field is not the name of a list.");
    const mode = fields.mode || "alerts";
    if (!isMode(mode)) return problem(c, 400, "No such choice", "The mode field must be alerts or digest.");
    const name = listName(list);
    if (!(await listExists(c.env.DB, siteFromEnv(c.env), list)))
      return problem(c, 404, "No such list", "The list field names nothing on this site.");
    const now = c.var.clock.now();
    const subscription = await requestSubscription(c.env.DB, {
      subscriptionId: crypto.randomUUID(),
      email,
      list: name,
      mode,
      nonce: randomNonce(),
      now,
    });
    // Already confirmed: nothing is sent, and the page says the same, so no one learns who subscribes.
    if (subscription.confirmed_at === null) {
      // Written for the list's edition: its language, its title; the links are the site's own.
      const site = await editionSites(c.env.DB, siteFromEnv(c.env))(list.edition);
      const token = await signToken(c.env.DESK_SECRET, "mail-confirm", [
        subscription.id,
        subscription.nonce,
        String(now + CONFIRM_VALID_MS),
      ]);
      const mail = confirmEmail(site, name, subscription.mode, `${site.url}/subscribe/confirm?t=${token}`);
      const sent = await sendMail(c.env, { ...mail, to: email }, now);
      if (!sent.ok) console.error(`mail: a confirmation was not sent: ${sent.field} ${sent.problem}`);
    }
    return page(
      c,
      200,
      "Check your inbox",
      html`<p>If that address can receive ${listLabel(name)}, an email is on its way with a link to confirm. Nothing is sent until you do.</p>`,
    );
  })
  .get("/subscribe/confirm", open("the link in a confirmation email; shows a button, confirms nothing"), async (c) => {
    const token = tokenOf(c);
    const check = await checkConfirm(c, token);
    if (!check.ok) return problem(c, check.status, check.title, check.text);
    const subscription = await getSubscription(c.env.DB, check.id);
    return page(
      c,
      200,
      "Confirm your subscription",
      html`<p>Email ${subscription?.email ?? "this address"} ${listLabel(subscription?.list ?? "")}${subscription?.mode === "digest" ? ", as a daily digest" : ""}?</p>${button("/subscribe/confirm", token, "Confirm")}`,
    );
  })
  .post("/subscribe/confirm", open("the confirmation email's button; the signed link is the authority"), formLimit, async (c) => {
    const token = tokenOf(c, await formFields(c));
    const check = await checkConfirm(c, token);
    if (!check.ok) return problem(c, check.status, check.title, check.text);
    const now = c.var.clock.now();
    if (!(await confirmSubscription(c.env.DB, check.id, check.nonce, now)))
      return problem(c, 410, "This link was used already", "Each link confirms once.");
    const subscription = await getSubscription(c.env.DB, check.id);
    // A reader who confirms themselves lifts an earlier erasure's suppression of their address.
    if (subscription) await liftSuppression(c.env.DB, await suppressionHash(c.env.DESK_SECRET, subscription.email));
    return page(
      c,
      200,
      "You are subscribed",
      html`<p>You will be emailed ${listLabel(subscription?.list ?? "")}. Every email has a link to leave.</p>`,
    );
  })
  .get("/unsubscribe", open("the unsubscribe link in every email; shows a button"), async (c) => {
    const token = tokenOf(c);
    if (!(await checkUnsubscribe(c, token)).ok) return badLink(c);
    return page(
      c,
      200,
      "Unsubscribe",
      html`<p>Stop these emails?</p>${button(`/unsubscribe?t=${token}`, token, "Unsubscribe", { "List-Unsubscribe": "One-Click" })}`,
    );
  })
  .post(
    "/unsubscribe",
    open("RFC 8058 one-click unsubscribe: no cookie, no session, the signed link is the authority"),
    formLimit,
    async (c) => {
      const check = await checkUnsubscribe(c, tokenOf(c, await formFields(c)));
      if (!check.ok) return badLink(c);
      await unsubscribe(c.env.DB, check.subscriberId, check.list);
      return page(c, 200, "You are unsubscribed", html`<p>No more of these emails will be sent to you.</p>`);
    },
  )
  .get("/subscribe/manage", open("the manage link in every email"), async (c) => manageView(c, tokenOf(c)))
  .post("/subscribe/manage", open("the manage page's buttons; the signed link is the authority"), formLimit, async (c) => {
    const fields = await formFields(c);
    const token = tokenOf(c, fields);
    const check = await checkManage(c, token);
    if (!check.ok) return badLink(c);
    const list = fields.list ?? "";
    if (!parseList(list)) return problem(c, 400, "No such list", "The list field is not the name of a list.");
    if (fields.action === "leave") await unsubscribe(c.env.DB, check.subscriberId, list);
    else if (fields.action === "mode" && isMode(fields.mode ?? "")) {
      if (!(await setMode(c.env.DB, check.subscriberId, list, fields.mode ?? "")))
        return problem(c, 404, "No such subscription", "The list field names a list you do not receive.");
    } else return problem(c, 400, "Nothing to do", "The action field must be leave, or mode with a mode of alerts or digest.");
    return manageView(c, token);
  })
  .onError(onError);

async function manageView(c: Context<AppEnv>, token: string) {
  const check = await checkManage(c, token);
  if (!check.ok) return badLink(c);
  const subscriptions = (await subscriptionsOf(c.env.DB, check.subscriberId)).filter((s) => s.confirmed_at !== null);
  if (subscriptions.length === 0) return page(c, 200, "Your subscriptions", html`<p>You receive nothing from us.</p>`);
  const other = (mode: string) => (mode === "digest" ? "alerts" : "digest");
  return page(
    c,
    200,
    "Your subscriptions",
    html`<ul>${subscriptions.map(
      (s) =>
        html`<li><p>${listLabel(s.list)}: ${s.mode === "digest" ? "a daily digest" : "each article"}</p>${button("/subscribe/manage", token, s.mode === "digest" ? "Send each article instead" : "Send a daily digest instead", { action: "mode", list: s.list, mode: other(s.mode) })}${button("/subscribe/manage", token, "Leave", { action: "leave", list: s.list })}</li>`,
    )}</ul>`,
  );
}
