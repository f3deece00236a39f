/**
 * Newsletters end to end, through the reader Worker (which hands the newsletter routes to the
 * newsroom), real D1 and the mail queue's consumer, with every email captured (MAIL_CAPTURE=1) and
 * read back through GET /api/mail: subscribe, confirm, an article's alert with its headers,
 * one-click unsubscribe, corrections to exactly the original recipients, the daily digest at its
 * hour, faults in the middle of a page and duplicate deliveries, and bad input that stores nothing.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { articleFile, clock, newsroom, publish, putArticle, request, runCron, secondsFromNow, TOKEN, testEnv } from "./helpers";

vi.setConfig({ testTimeout: 30_000 });

const AUTH = { Authorization: `Bearer ${TOKEN}` };
let addresses = 0;
/** A client address of its own for each call: the subscription limiter counts per address, across tests. */
const nextIp = () => `198.51.100.${++addresses % 250}`;

interface Captured {
  to: string;
  from: string;
  subject: string;
  headers: Record<string, string>;
  html: string;
  text: string;
}

function postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}, settings = {}) {
  return request(
    path,
    {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": nextIp(), ...headers },
      body: new URLSearchParams(fields),
    },
    settings,
  );
}

const subscribe = (email: string, list = "home", mode = "alerts", headers: Record<string, string> = {}) =>
  postForm("/subscribe", { email, list, mode }, headers);

async function mailTo(address: string): Promise<Captured[]> {
  const response = await request(`/api/mail?to=${encodeURIComponent(address)}&limit=200`, { headers: AUTH });
  expect(response.status).toBe(200);
  return ((await response.json()) as { mail: Captured[] }).mail;
}

/** The token in the newest email's link to `path`. */
function tokenIn(mail: Captured | undefined, path: string): string {
  const match = new RegExp(`${path.replace(/[/?]/g, "\\$&")}\\?t=([A-Za-z0-9_.-]+)`).exec(mail?.text ?? "");
  if (!match?.[1]) throw new Error(`no ${path} link in ${mail?.text}`);
  return match[1];
}

/** Subscribes and confirms through the pages, as a reader would. */
async function subscribeAndConfirm(email: string, list = "home", mode = "alerts"): Promise<void> {
  expect((await subscribe(email, list, mode)).status).toBe(200);
  const token = tokenIn((await mailTo(email))[0], "/subscribe/confirm");
  expect((await postForm("/subscribe/confirm", { t: token })).status).toBe(200);
}

/** Signs in to the desk and returns the session's Cookie header. */
async function deskCookie(): Promise<string> {
  const signIn = await request("/desk/sign-in", {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN, next: "/desk" }),
    redirect: "manual",
    headers: { Origin: "https://news.example", "CF-Connecting-IP": "192.0.2.8", Accept: "text/html" },
  });
  return (signIn.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
}

const count = async (sql: string): Promise<number> => (await env.DB.prepare(sql).first<{ n: number }>())?.n ?? 0;

describe("subscribing, an alert, and leaving", () => {
  it("confirms only on POST, sends the alert with one-click unsubscribe headers, and nothing after leaving", async () => {
    const answer = await subscribe("Ana@Example.org");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Cache-Control")).toContain("no-store");
    expect(answer.headers.get("Referrer-Policy")).toBe("no-referrer");
    const page = await answer.text();
    expect(page).toContain("Check your inbox");

    const [confirmation, ...others] = await mailTo("ana@example.org");
    expect(others).toHaveLength(0);
    expect(confirmation?.subject).toBe("Confirm your subscription to Broadsheet");
    const token = tokenIn(confirmation, "/subscribe/confirm");

    // A mail scanner following the link confirms nothing.
    const shown = await request(`/subscribe/confirm?t=${token}`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('<form method="post" action="/subscribe/confirm">');
    expect(await count("SELECT count(*) AS n FROM mail_subscriptions WHERE confirmed_at IS NOT NULL")).toBe(0);

    // Nothing is published to a list before it is confirmed... then the button confirms, once.
    expect((await postForm("/subscribe/confirm", { t: token })).status).toBe(200);
    expect(await count("SELECT count(*) AS n FROM mail_subscriptions WHERE confirmed_at IS NOT NULL")).toBe(1);
    expect((await postForm("/subscribe/confirm", { t: token })).status).toBe(410);

    await publish("floods", {
      title: "Floods close the coast road",
      published: secondsFromNow(-60),
      summary: "Water rose overnight.",
    });
    const [alert, ...rest] = await mailTo("ana@example.org");
    expect(rest).toHaveLength(1); // the confirmation
    expect(alert?.subject).toBe("Floods close the coast road");
    expect(alert?.from).toBe("newsletters@news.example");
    expect(alert?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(alert?.headers["List-Unsubscribe"]).toMatch(/^<https:\/\/news\.example\/unsubscribe\?t=[A-Za-z0-9_.-]+>$/);
    expect(alert?.html).toContain('href="https://news.example/articles/floods"');
    expect(alert?.html).toContain("Water rose overnight.");
    expect(alert?.html).not.toMatch(/<img/i);
    expect(alert?.html).toContain('name="color-scheme" content="light dark"');
    expect(alert?.text).toContain("https://news.example/articles/floods");
    expect(alert?.text).toContain("/subscribe/manage?t=");

    // Saved again, and moved: never sent again.
    await publish("floods", { title: "Floods close the coast road", published: secondsFromNow(-60), summary: "Updated." });
    const moved = await request("/api/articles/floods/move", {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ to: "coast-floods" }),
    });
    expect(moved.status).toBe(200);
    await runCron();
    expect(await mailTo("ana@example.org")).toHaveLength(2);

    // RFC 8058 one-click: a POST to the header's link, no cookie, no session.
    const link = (alert?.headers["List-Unsubscribe"] ?? "").slice(1, -1);
    const shownLeave = await request(link);
    expect(shownLeave.status).toBe(200);
    expect(await count("SELECT count(*) AS n FROM mail_subscriptions")).toBe(1);
    const left = await request(link, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(left.status).toBe(200);
    expect(await count("SELECT count(*) AS n FROM mail_subscriptions")).toBe(0);

    await publish("heatwave", { title: "A heatwave", published: secondsFromNow(-30) });
    expect(await mailTo("ana@example.org")).toHaveLength(2);
  });

  it("subscribes from the form at the end of an article's page, to its section", async () => {
    await publish("markets", { title: "Markets rally", category: "Business" });
    const page = await (await request("/articles/markets")).text();
    const form = /<form class="subscribe" method="post" action="\/subscribe">[\s\S]*?<\/form>/.exec(page)?.[0] ?? "";
    expect(form).toContain('<input type="hidden" name="list" value="section:business"/>');
    expect(form).toContain('name="email"');
    expect(form).toContain('<option value="digest">');
    expect((await subscribe("ti@example.org", "section:business", "digest")).status).toBe(200);
    const [confirmation] = await mailTo("ti@example.org");
    expect(confirmation?.text).toContain("the business section, as a daily digest");
  });

  it("puts a form on the first page of every listing and on the corrections page, each naming its own list", async () => {
    await publish("harvest", {
      title: "The harvest",
      category: "World",
      tags: ["Farming"],
      authors: ["Ana Ruiz"],
      published: secondsFromNow(-30),
    });
    const listOn = async (path: string) => {
      const response = await request(path);
      expect(response.status, path).toBe(200);
      const form = /<form class="subscribe" method="post" action="\/subscribe">[\s\S]*?<\/form>/.exec(await response.text())?.[0];
      expect(form, path).toContain('name="email"');
      return /name="list" value="([^"]+)"/.exec(form ?? "")?.[1];
    };
    expect(await listOn("/")).toBe("home");
    expect(await listOn("/sections/world")).toBe("section:world");
    expect(await listOn("/tags/farming")).toBe("tag:farming");
    expect(await listOn("/authors/ana-ruiz")).toBe("author:ana-ruiz");
    const corrected = await request("/api/articles/harvest/corrections", {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "clarification", text: "The harvest figures are provisional." }),
    });
    expect(corrected.status).toBe(201);
    await runCron();
    expect(await listOn("/corrections")).toBe("corrections");
    // The form names the section as its page heads it, and posting it works with no script at all.
    expect(await (await request("/sections/world")).text()).toContain("Get the World section by email");
    expect((await subscribe("ri@example.org", "author:ana-ruiz")).status).toBe(200);
    expect((await mailTo("ri@example.org"))[0]?.subject).toMatch(/^Confirm your subscription/);
  });

  it("keeps each edition's lists apart: a Spanish article goes to the Spanish edition's lists, with its links", async () => {
    const made = await request("/api/editions/es", {
      method: "PUT",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Español", title: "El Diario" }),
    });
    expect(made.status).toBe(201);
    await publish("old-news", { category: "World" });
    await subscribeAndConfirm("es@example.org", "es/section:world");
    await subscribeAndConfirm("en@example.org", "section:world");
    // An edition the site does not have, and a live list under an edition (a slug names one article), are refused.
    expect((await subscribe("xx@example.org", "fr/home")).status).toBe(404);
    expect((await subscribe("xx@example.org", "es/live:x")).status).toBe(400);
    expect(await mailTo("xx@example.org")).toHaveLength(0);

    const spanish = await putArticle(
      "la-cosecha",
      articleFile({ title: "La cosecha", category: "World", language: "es", published: secondsFromNow(-20) }),
    );
    expect(spanish.status).toBe(201);
    await runCron();
    const [alert] = (await mailTo("es@example.org")).filter((m) => m.subject === "La cosecha");
    expect(alert?.text).toContain("https://news.example/es/articles/la-cosecha");
    expect(alert?.html).toContain('<html lang="es">');
    expect(alert?.text).toContain("El Diario");
    expect((await mailTo("en@example.org")).filter((m) => m.subject === "La cosecha")).toHaveLength(0);

    await publish("the-harvest", { title: "The harvest in English", category: "World", published: secondsFromNow(-10) });
    expect((await mailTo("en@example.org")).map((m) => m.subject)).toContain("The harvest in English");
    expect((await mailTo("es@example.org")).map((m) => m.subject)).not.toContain("The harvest in English");
    // The Spanish edition's section page subscribes to the Spanish list.
    const page = await (await request("/es/sections/world")).text();
    expect(page).toContain('name="list" value="es/section:world"');
  });

  it("answers the same page whether or not the address is subscribed, and sends a confirmed reader nothing new", async () => {
    await subscribeAndConfirm("bo@example.org");
    const again = await subscribe("bo@example.org");
    const fresh = await subscribe("cy@example.org");
    expect(again.status).toBe(fresh.status);
    expect((await again.text()).replace(/every new article/, "")).toBe((await fresh.text()).replace(/every new article/, ""));
    expect(await mailTo("bo@example.org")).toHaveLength(1);
    expect(await mailTo("cy@example.org")).toHaveLength(1);
  });

  it("lets a reader manage their subscriptions: switch to a digest, then leave", async () => {
    await subscribeAndConfirm("di@example.org");
    await publish("budget", { title: "The budget", published: secondsFromNow(-60) });
    const [alert] = await mailTo("di@example.org");
    const token = tokenIn(alert, "/subscribe/manage");
    const view = await request(`/subscribe/manage?t=${token}`);
    expect(await view.text()).toContain("Send a daily digest instead");
    const switched = await postForm("/subscribe/manage", { t: token, action: "mode", list: "home", mode: "digest" });
    expect(switched.status).toBe(200);
    expect(await count("SELECT count(*) AS n FROM mail_subscriptions WHERE mode = 'digest'")).toBe(1);
    await postForm("/subscribe/manage", { t: token, action: "leave", list: "home" });
    expect(await count("SELECT count(*) AS n FROM mail_subscriptions")).toBe(0);
    // A manage link is not an unsubscribe link, nor a confirmation.
    expect((await postForm(`/unsubscribe?t=${token}`, {})).status).toBe(400);
    expect((await postForm("/subscribe/confirm", { t: token })).status).toBe(400);
  });
});

describe("bad input stores nothing", () => {
  it.each([
    [{ email: "not an address", list: "home", mode: "alerts" }, 400],
    [{ email: "a@b.org\r\nBcc: x@y.org", list: "home", mode: "alerts" }, 400],
    [{ email: `${"a".repeat(300)}@example.org`, list: "home", mode: "alerts" }, 400],
    [{ email: "ok@example.org", list: "everything", mode: "alerts" }, 400],
    [{ email: "ok@example.org", list: `section:${"a".repeat(200)}`, mode: "alerts" }, 400],
    [{ email: "ok@example.org", list: "section:nowhere", mode: "alerts" }, 404],
    [{ email: "ok@example.org", list: "home", mode: "weekly" }, 400],
  ])("%j → %i", async (fields, status) => {
    const response = await postForm("/subscribe", fields);
    expect(response.status).toBe(status);
    expect(await count("SELECT count(*) AS n FROM mail_subscribers")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM mail_captured")).toBe(0);
  });

  it("refuses forged, expired and reused links", async () => {
    expect((await request("/subscribe/confirm?t=bm9wZQ.AAAA")).status).toBe(400);
    expect((await request("/subscribe/confirm")).status).toBe(400);
    expect((await request("/unsubscribe?t=garbage")).status).toBe(400);
    expect((await request("/subscribe/manage?t=")).status).toBe(400);
    await subscribe("el@example.org");
    const token = tokenIn((await mailTo("el@example.org"))[0], "/subscribe/confirm");
    // One character changed in the signature.
    const forged = token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1);
    expect((await postForm("/subscribe/confirm", { t: forged })).status).toBe(400);
    // A second request sends a new link; the first no longer works.
    await subscribe("el@example.org");
    expect((await postForm("/subscribe/confirm", { t: token })).status).toBe(410);
    const newer = tokenIn((await mailTo("el@example.org"))[0], "/subscribe/confirm");
    clock.advance(7 * 86_400_000 + 1000);
    expect((await postForm("/subscribe/confirm", { t: newer })).status).toBe(410);
    expect(await count("SELECT count(*) AS n FROM mail_subscriptions WHERE confirmed_at IS NOT NULL")).toBe(0);
  });

  it("limits subscriptions per client: 429 with Retry-After", async () => {
    const ip = { "CF-Connecting-IP": "203.0.113.99" };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await subscribe(`many${i}@example.org`, "home", "alerts", ip)).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    const refused = await subscribe("one-more@example.org", "home", "alerts", ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("60");
    expect(await count("SELECT count(*) AS n FROM mail_subscribers WHERE email = 'one-more@example.org'")).toBe(0);
  });

  it("asks for Turnstile when TURNSTILE_SECRET is set", async () => {
    const response = await postForm(
      "/subscribe",
      { email: "tu@example.org", list: "home", mode: "alerts" },
      {},
      {
        TURNSTILE_SECRET: "2x0000000000000000000000000000000AA",
      },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("cf-turnstile-response");
    expect(await count("SELECT count(*) AS n FROM mail_subscribers")).toBe(0);
  });
});

describe("corrections reach the inbox", () => {
  it("sends a correction notice once, to exactly the readers who were sent the article", async () => {
    await subscribeAndConfirm("fa@example.org");
    await subscribeAndConfirm("go@example.org");
    await publish("bridge", { title: "The bridge reopens", published: secondsFromNow(-60) });
    // Subscribed after the article went out: not sent it, so not sent its correction.
    await subscribeAndConfirm("ha@example.org");
    const corrected = await request("/api/articles/bridge/corrections", {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "correction", text: "The bridge reopens on Tuesday, not Monday." }),
    });
    expect(corrected.status).toBe(201);
    await runCron();
    await runCron();
    for (const address of ["fa@example.org", "go@example.org"]) {
      const notices = (await mailTo(address)).filter((m) => m.subject.startsWith("Correction:"));
      expect(notices).toHaveLength(1);
      expect(notices[0]?.subject).toBe("Correction: The bridge reopens");
      expect(notices[0]?.text).toContain("Tuesday, not Monday");
      expect(notices[0]?.text).toMatch(/https:\/\/news\.example\/articles\/bridge#correction-/);
    }
    expect((await mailTo("ha@example.org")).filter((m) => m.subject.startsWith("Correction:"))).toHaveLength(0);
  });
});

describe("live coverage", () => {
  it("emails a live article's key events, once each, to its live: list, and nothing for other updates", async () => {
    await publish("election", { title: "Election night", published: secondsFromNow(-60), live: true });
    expect((await subscribe("ul@example.org", "live:not-an-article")).status).toBe(404);
    // While it is live, its page's form subscribes to its key events.
    expect(await (await request("/articles/election")).text()).toContain('name="list" value="live:election"');
    await subscribeAndConfirm("ul@example.org", "live:election");
    const update = (body: Record<string, unknown>) =>
      request("/api/articles/election/updates", {
        method: "POST",
        headers: { ...AUTH, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await update({ body: "Turnout is high." })).status).toBe(201);
    expect((await update({ body: "The count begins in every district.", headline: "Polls close", pinned: true })).status).toBe(
      201,
    );
    await runCron();
    const sent = (await mailTo("ul@example.org")).filter((m) => !m.subject.startsWith("Confirm"));
    expect(sent.map((m) => m.subject)).toEqual(["Election night: Polls close"]);
    expect(sent[0]?.text).toMatch(/https:\/\/news\.example\/articles\/election#update-[0-9a-f]{12}/);
  });
});

describe("the daily digest", () => {
  it("goes at MAIL_DIGEST_HOUR in the site's time zone, once, only with something new", async () => {
    // 06:00 UTC tomorrow (SITE_TIME_ZONE is UTC, MAIL_DIGEST_HOUR 7).
    const six = Math.ceil(clock.now() / 86_400_000) * 86_400_000 + 6 * 3_600_000;
    clock.advance(six - clock.now());
    await subscribeAndConfirm("io@example.org", "home", "digest");
    await runCron();
    clock.advance(3_600_000 + 60_000); // 07:01, nothing published yet
    await runCron();
    expect(await mailTo("io@example.org")).toHaveLength(1);

    clock.advance(86_400_000 - 3_600_000); // 06:01 the next day
    await publish("harvest", { title: "The harvest", published: secondsFromNow(-600) });
    await publish("rain", { title: "Rain at last", published: secondsFromNow(-300) });
    await runCron();
    // Digest readers get no alerts.
    expect(await mailTo("io@example.org")).toHaveLength(1);
    clock.advance(3_600_000); // 07:01
    await runCron();
    clock.advance(60_000);
    await runCron();
    const [digest, ...rest] = await mailTo("io@example.org");
    expect(rest).toHaveLength(1);
    expect(digest?.subject).toBe("2 new articles: every new article");
    expect(digest?.text.indexOf("Rain at last")).toBeLessThan(digest?.text.indexOf("The harvest") ?? 0);
    expect(digest?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  });
});

describe("the daily digest per edition", () => {
  it("goes at MAIL_DIGEST_HOUR in each edition's own time zone, with that edition's articles", async () => {
    const made = await request("/api/editions/ja", {
      method: "PUT",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "日本語", title: "新聞", timeZone: "Asia/Tokyo" }),
    });
    expect(made.status).toBe(201);
    // 21:00 UTC: 06:00 the next day in Tokyo (UTC+9, no summer time).
    const nine = Math.ceil(clock.now() / 86_400_000) * 86_400_000 + 21 * 3_600_000;
    clock.advance(nine - clock.now());
    await subscribeAndConfirm("ja@example.org", "ja/home", "digest");
    await subscribeAndConfirm("en@example.org", "home", "digest");
    const japanese = await putArticle(
      "kome",
      articleFile({ title: "米の収穫", category: "World", language: "ja", published: secondsFromNow(-300) }),
    );
    expect(japanese.status).toBe(201);
    await publish("rice", { title: "The rice harvest", published: secondsFromNow(-200) });
    const digests = async (address: string) => (await mailTo(address)).filter((m) => !m.subject.startsWith("Confirm"));

    clock.advance(3_600_000 + 60_000); // 22:01 UTC, 07:01 in Tokyo
    await runCron();
    const [tokyo, ...more] = await digests("ja@example.org");
    expect(more).toHaveLength(0);
    expect(tokyo?.subject).toBe("1 new article: every new article");
    expect(tokyo?.text).toContain("https://news.example/ja/articles/kome");
    expect(tokyo?.text).not.toContain("The rice harvest");
    expect(await digests("en@example.org")).toHaveLength(0);

    clock.advance(9 * 3_600_000); // 07:01 UTC
    await runCron();
    const [utc] = await digests("en@example.org");
    expect(utc?.text).toContain("The rice harvest");
    expect(utc?.text).not.toContain("kome");
    expect(await digests("ja@example.org")).toHaveLength(1);
  });
});

describe("faults: exactly one email per recipient", () => {
  it("a binding that fails mid-page: the page is retried and no one gets two", async () => {
    for (const name of ["ja", "ka", "la"]) await subscribeAndConfirm(`${name}@example.org`);
    let calls = 0;
    const flaky = {
      send(message: Parameters<SendEmail["send"]>[0]) {
        calls++;
        if (calls === 2) return Promise.reject(new Error("the email service is unavailable (injected)"));
        return env.EMAIL.send(message as EmailMessageBuilder);
      },
    } as SendEmail;
    await request(
      "/api/articles/storm",
      {
        method: "PUT",
        headers: { ...AUTH, "Content-Type": "text/markdown" },
        body: `---\ntitle: The storm\npublished: ${secondsFromNow(-60)}\ncategory: Tests\n---\n\nWind.\n`,
      },
      { EMAIL: flaky },
    );
    expect(calls).toBeGreaterThanOrEqual(4);
    for (const name of ["ja", "ka", "la"]) {
      expect((await mailTo(`${name}@example.org`)).filter((m) => m.subject === "The storm")).toHaveLength(1);
    }
    expect(await count("SELECT count(*) AS n FROM mail_deliveries WHERE status = 'sent'")).toBe(3);
  });

  it("a page that fails every retry is a mail dead letter on the Pipeline page; replaying it sends each reader one email", async () => {
    for (const name of ["ra", "sa", "ta"]) await subscribeAndConfirm(`${name}@example.org`);
    // The first recipient's email goes; then the service is down for good.
    let calls = 0;
    const failing = {
      send(message: unknown) {
        calls++;
        if (calls > 1) return Promise.reject(new Error("the email service is down (injected)"));
        return env.EMAIL.send(message as EmailMessageBuilder);
      },
    } as SendEmail;
    await request(
      "/api/articles/outage",
      {
        method: "PUT",
        headers: { ...AUTH, "Content-Type": "text/markdown" },
        body: `---\ntitle: The outage\npublished: ${secondsFromNow(-60)}\ncategory: Tests\n---\n\nDark.\n`,
      },
      { EMAIL: failing },
    );
    const outageMail = async () =>
      Promise.all(
        ["ra", "sa", "ta"].map(
          async (name) => (await mailTo(`${name}@example.org`)).filter((m) => m.subject === "The outage").length,
        ),
      );
    expect(await outageMail()).toEqual([1, 0, 0]);
    // Its own dead letter, not the read model's: the pipeline's replay cannot drop it.
    expect(await count("SELECT count(*) AS n FROM dead_letters")).toBe(0);
    const letters = await env.DB.prepare("SELECT id, send_id, after, error FROM mail_dead_letters").all<{
      id: number;
      send_id: number;
      after: number;
      error: string | null;
    }>();
    expect(letters.results).toEqual([
      { id: expect.any(Number), send_id: expect.any(Number), after: 0, error: expect.any(String) },
    ]);
    expect(await count("SELECT count(*) AS n FROM mail_deliveries WHERE status = 'failed'")).toBe(2);
    const desk = await (await request("/desk/pipeline", { headers: { Cookie: await deskCookie(), Accept: "text/html" } })).text();
    expect(desk).toMatch(/Newsletter send \d+/);
    expect(desk).toContain("The outage");
    const status = (await (await request("/api/pipeline", { headers: AUTH })).json()) as { mailDeadLetterCount: number };
    expect(status.mailDeadLetterCount).toBe(1);

    // Left alone by the cron until replayed: a send that fails every retry is not retried forever.
    clock.advance(11 * 60_000);
    await runCron({ EMAIL: failing });
    const before = calls;
    expect(await outageMail()).toEqual([1, 0, 0]);
    expect(await (await request("/api/pipeline/replay", { method: "POST", headers: AUTH })).json()).toEqual({ replayed: 0 });
    expect(calls).toBe(before);

    // The service is back: a replay sends the two who were not sent it, and the first nothing more.
    expect((await request("/api/pipeline/replay-mail?id=x", { method: "POST", headers: AUTH })).status).toBe(400);
    const replay = await request("/api/pipeline/replay-mail", { method: "POST", headers: AUTH });
    expect(await replay.json()).toEqual({ replayed: 1 });
    expect(await outageMail()).toEqual([1, 1, 1]);
    expect(await count("SELECT count(*) AS n FROM mail_dead_letters WHERE replayed_at IS NULL")).toBe(0);
    // Replayed again, or the same message delivered again, and still one each.
    expect(await (await request("/api/pipeline/replay-mail", { method: "POST", headers: AUTH })).json()).toEqual({ replayed: 0 });
    const sendId = letters.results[0]?.send_id ?? 0;
    await newsroom.queue(
      createMessageBatch("broadsheet-mail", [
        { id: "again", timestamp: new Date(clock.now()), attempts: 1, body: { send: sendId, after: 0 } },
      ]),
      testEnv(),
      createExecutionContext(),
    );
    expect(await outageMail()).toEqual([1, 1, 1]);
    expect(await count("SELECT count(*) AS n FROM mail_deliveries WHERE status = 'sent'")).toBe(3);
  });

  it("replays a newsletter dead letter from the desk's Pipeline page, for admins", async () => {
    const letter = await env.DB.prepare(
      "INSERT INTO mail_dead_letters (send_id, after, attempts, error, failed_at) VALUES (999, 0, 9, 'injected', 1) RETURNING id",
    ).first<{ id: number }>();
    const cookie = await deskCookie();
    const replayed = await request("/desk/pipeline/replay-mail", {
      method: "POST",
      headers: { Cookie: cookie, Origin: "https://news.example", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ id: String(letter?.id) }),
      redirect: "manual",
    });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get("Location")).toBe("/desk/pipeline?n=replayed&count=1");
    expect(await count("SELECT count(*) AS n FROM mail_dead_letters WHERE replayed_at IS NOT NULL")).toBe(1);
  });

  it("the same queue message delivered twice, in one batch and again later, sends nothing more", async () => {
    for (const name of ["ma", "na"]) await subscribeAndConfirm(`${name}@example.org`);
    await publish("quake", { title: "A quake", published: secondsFromNow(-60) });
    const sendId = await count("SELECT max(id) AS n FROM mail_sends");
    const body = { send: sendId, after: 0 };
    const batch = createMessageBatch("broadsheet-mail", [
      { id: "dup-1", timestamp: new Date(clock.now()), attempts: 1, body },
      { id: "dup-2", timestamp: new Date(clock.now()), attempts: 1, body },
    ]);
    const ctx = createExecutionContext();
    await newsroom.queue(batch, testEnv(), ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["dup-1", "dup-2"]);
    const later = createMessageBatch("broadsheet-mail", [{ id: "dup-3", timestamp: new Date(clock.now()), attempts: 3, body }]);
    await newsroom.queue(later, testEnv(), createExecutionContext());
    for (const name of ["ma", "na"]) {
      expect((await mailTo(`${name}@example.org`)).filter((m) => m.subject === "A quake")).toHaveLength(1);
    }
  });
});

describe("the API", () => {
  it("exports what is held about an address, and erasing it leaves only a suppression hash", async () => {
    await subscribeAndConfirm("oz@example.org");
    await publish("vote", { title: "The vote", published: secondsFromNow(-60) });
    const exported = await request("/api/subscribers/OZ@example.org", { headers: AUTH });
    expect(exported.status).toBe(200);
    const data = (await exported.json()) as {
      email: string;
      subscriptions: Array<{ list: string; status: string }>;
      deliveries: unknown[];
    };
    expect(data.email).toBe("oz@example.org");
    expect(data.subscriptions).toEqual([expect.objectContaining({ list: "home", status: "confirmed" })]);
    expect(data.deliveries).toHaveLength(1);

    const erased = await request("/api/subscribers/oz@example.org", { method: "DELETE", headers: AUTH });
    expect(await erased.json()).toEqual({ email: "oz@example.org", erased: true, suppressed: true });
    const dump = JSON.stringify(
      await Promise.all(
        ["mail_subscribers", "mail_subscriptions", "mail_deliveries", "mail_captured", "mail_suppressed"].map(
          async (table) => (await env.DB.prepare(`SELECT * FROM ${table}`).all()).results,
        ),
      ),
    );
    expect(dump).not.toContain("oz@example.org");
    expect(await count("SELECT count(*) AS n FROM mail_suppressed")).toBe(1);
    expect((await request("/api/subscribers/oz@example.org", { headers: AUTH })).status).toBe(404);
  });

  it("answers 404 for captured mail without MAIL_CAPTURE, and 401 without a token", async () => {
    expect((await request("/api/mail", { headers: AUTH }, { MAIL_CAPTURE: "" })).status).toBe(404);
    expect((await request("/api/mail")).status).toBe(401);
    expect((await request("/api/mail?limit=0", { headers: AUTH })).status).toBe(400);
  });

  it("shows the Newsletters page on the desk: lists with counts, recent sends, and the manual newsletter's form", async () => {
    await subscribeAndConfirm("sa@example.org");
    await publish("ferry", { title: "The ferry returns", published: secondsFromNow(-60) });
    const cookie = await deskCookie();
    const desk = await request("/desk/newsletters", { headers: { Cookie: cookie, Accept: "text/html" }, redirect: "manual" });
    expect(desk.status).toBe(200);
    const page = await desk.text();
    expect(page).toContain('<a href="/desk/newsletters">Newsletters</a>');
    expect(page).toContain("<code>home</code>");
    expect(page).toContain("Alert: The ferry returns");
    const anonymous = await request("/desk/newsletters", { headers: { Accept: "text/html" }, redirect: "manual" });
    expect(anonymous.status).toBe(303);

    // The manual newsletter's form: Preview shows it and stores nothing; Send sends it to the list.
    const submit = (fields: Record<string, string>) =>
      request("/desk/newsletters", {
        method: "POST",
        body: new URLSearchParams({ list: "home", subject: "Weekend reading", intro: "Hello.", articles: "ferry", ...fields }),
        redirect: "manual",
        headers: { Origin: "https://news.example", Cookie: cookie, Accept: "text/html" },
      });
    const preview = await submit({ action: "preview" });
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain("Preview: Weekend reading");
    const refused = await submit({ action: "send", articles: "no-such-story" });
    expect(refused.status).toBe(404);
    expect(await refused.text()).toContain("no-such-story names no public article");
    expect(await count("SELECT count(*) AS n FROM mail_sends WHERE kind = 'manual'")).toBe(0);
    const sent = await submit({ action: "send" });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("Location")).toBe("/desk/newsletters?n=sent");
    expect((await mailTo("sa@example.org")).map((m) => m.subject)).toContain("Weekend reading");
  });

  it("sends a manual newsletter: a preview stores nothing, a test goes to one address, then the whole list at sendAt", async () => {
    await subscribeAndConfirm("va@example.org", "home", "alerts");
    await subscribeAndConfirm("wu@example.org", "home", "digest");
    await publish("old-one", { title: "An older story", summary: "From the archive." });
    const post = (body: unknown) =>
      request("/api/newsletters", {
        method: "POST",
        headers: { ...AUTH, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const newsletter = { list: "home", subject: "The week", intro: "Hello.\n\nThree stories.", articles: ["old-one"] };

    const preview = await post({ ...newsletter, preview: true });
    expect(preview.status).toBe(200);
    const shown = (await preview.json()) as { subject: string; html: string; text: string };
    expect(shown.subject).toBe("The week");
    expect(shown.html).toContain('<p style="margin:0 0 16px">Three stories.</p>');
    expect(shown.text).toContain("https://news.example/articles/old-one");
    expect(await count("SELECT count(*) AS n FROM mail_sends WHERE kind = 'manual'")).toBe(0);

    expect((await post({ ...newsletter, testTo: "editor@example.org" })).status).toBe(200);
    expect((await mailTo("editor@example.org")).map((m) => m.subject)).toEqual(["[Test] The week"]);

    for (const [body, status] of [
      [{ ...newsletter, subject: "Two\r\nBcc: x@y.org" }, 400],
      [{ ...newsletter, list: "section:nowhere" }, 404],
      [{ ...newsletter, articles: ["no-such-article"] }, 404],
      [{ ...newsletter, sendAt: "tomorrow" }, 400],
      [{ ...newsletter, extra: 1 }, 400],
    ] as const) {
      const refused = await post(body);
      expect(refused.status).toBe(status);
      expect(((await refused.json()) as { details: unknown[] }).details.length).toBeGreaterThan(0);
    }
    expect(await count("SELECT count(*) AS n FROM mail_sends WHERE kind = 'manual'")).toBe(0);

    const scheduled = await post({ ...newsletter, sendAt: secondsFromNow(3600) });
    expect(scheduled.status).toBe(201);
    await runCron();
    expect((await mailTo("va@example.org")).filter((m) => m.subject === "The week")).toHaveLength(0);
    clock.advance(3_600_000 + 1000);
    await runCron();
    await runCron();
    for (const address of ["va@example.org", "wu@example.org"]) {
      expect((await mailTo(address)).filter((m) => m.subject === "The week")).toHaveLength(1);
    }
  });

  it("counts each list's subscribers and each send's deliveries", async () => {
    await subscribeAndConfirm("pa@example.org");
    await subscribe("qu@example.org");
    await publish("tide", { title: "Tide", published: secondsFromNow(-60) });
    const response = await request("/api/newsletters", { headers: AUTH });
    const data = (await response.json()) as { lists: unknown[]; sends: Array<{ deliveries: { sent: number } }> };
    expect(data.lists).toEqual([{ list: "home", mode: "alerts", confirmed: 1, pending: 1 }]);
    expect(data.sends[0]?.deliveries.sent).toBe(1);

    // Who was sent what is kept 30 days, then the cron deletes it; the send itself stays.
    clock.advance(29 * 86_400_000);
    await runCron();
    expect(await count("SELECT count(*) AS n FROM mail_deliveries")).toBe(1);
    clock.advance(2 * 86_400_000);
    await runCron();
    expect(await count("SELECT count(*) AS n FROM mail_deliveries")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM mail_sends WHERE pruned_at IS NOT NULL")).toBe(1);
  });
});
