/**
 * Header injection, tried through every field that reaches an email header: the recipient's
 * address (To), the article's title and the site's name (Subject), MAIL_FROM (From), and the
 * extra headers (List-Unsubscribe, built from a signed token and the site's URL). Whatever a field
 * holds, either it is refused before the binding is called, or what reaches the binding has no CR,
 * LF or other control character in any header.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Site } from "../../src/core/config";
import { headerProblem, listName, listsOf, normaliseAddress, parseList, subjectOf } from "../../src/core/mail";
import { alertEmail, confirmEmail, correctionEmail } from "../../src/newsroom/mail/compose";
import { recipientLinks } from "../../src/newsroom/mail/fanout";
import { sendMail } from "../../src/newsroom/mail/send";
import { verifyToken } from "../../src/newsroom/mail/tokens";

const SECRET = "test-desk-secret-0123456789abcdef0123456789";
const site: Site = { title: "Broadsheet", description: "", url: "https://news.example", language: "en", timeZone: "UTC" };
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach a header
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Strings that often carry a line break, a control character or a header of their own. */
const hostile = fc.oneof(
  fc.constantFrom("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<a href=javascript:x>"),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc
    .tuple(
      fc.string({ maxLength: 30 }),
      fc.constantFrom("\r\n", "\n", "\r", "\u0000", "\u2028", "\r\nBcc: x@evil.example", "\t"),
      fc.string({ maxLength: 30 }),
    )
    .map(([a, b, c]) => a + b + c),
);

/** The real binding, watched: what reached it. */
function watchedBinding() {
  const calls: EmailMessageBuilder[] = [];
  const binding = {
    send(message: EmailMessageBuilder) {
      calls.push(message);
      return env.EMAIL.send(message);
    },
  } as unknown as SendEmail;
  return { calls, binding };
}

function assertClean(message: EmailMessageBuilder) {
  for (const value of [message.from, message.to, message.subject, ...Object.entries(message.headers ?? {}).flat()]) {
    expect(typeof value === "string" && CONTROL.test(value)).toBe(false);
  }
}

describe("header injection", () => {
  it("no address with a line break or control character is accepted", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const address = normaliseAddress(text);
        if (address !== null) {
          expect(CONTROL.test(address)).toBe(false);
          expect(address).not.toMatch(/[\s,<>"]/);
        }
      }),
    );
  });

  it("a title, however hostile, makes a subject that passes the header check", () => {
    fc.assert(
      fc.property(hostile, (title) => {
        for (const mail of [
          alertEmail(site, { slug: "a", title, summary: title, published: 0 }),
          correctionEmail(site, { slug: "a", title }, { id: "c", text: title }),
          confirmEmail({ ...site, title }, "home", "alerts", "https://news.example/subscribe/confirm?t=x"),
        ]) {
          expect(headerProblem(mail.subject, 200)).toBeNull();
          expect(mail.subject).toBe(subjectOf(mail.subject));
          // And in the body, escaped: no markup of the title's own survives.
          expect(mail.html).not.toMatch(/<(?!\/?(?:!doctype|html|head|meta|title|body|div|p|a|h1|h2|hr|span)[\s>])/i);
        }
      }),
    );
  });

  it("a list name reaches the List-Unsubscribe header only inside a signed token", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, fc.integer({ min: 1, max: 2 ** 40 }), async (list, subscriber) => {
        const links = await recipientLinks(SECRET, site, subscriber, list);
        expect(links.unsubscribe).toMatch(/^https:\/\/news\.example\/unsubscribe\?t=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
        const token = links.unsubscribe.split("?t=")[1] ?? "";
        expect(await verifyToken(SECRET, "mail-unsubscribe", token, 2)).toEqual(
          list.includes("\n") ? null : [String(subscriber), list],
        );
      }),
      { numRuns: 50 },
    );
  });

  it("sendMail refuses any hostile To, Subject, From or header value, and the binding sees nothing unclean", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("to", "subject", "from", "List-Unsubscribe", "X-Extra", "name"),
        hostile,
        async (field, value) => {
          const { calls, binding } = watchedBinding();
          const mail = {
            to: field === "to" ? value : "reader@example.org",
            subject: field === "subject" ? value : "A subject",
            html: "<p>x</p>",
            text: "x",
            headers:
              field === "name"
                ? { [value || "x"]: "1" }
                : {
                    "List-Unsubscribe": field === "List-Unsubscribe" ? value : "<https://news.example/unsubscribe?t=a>",
                    "X-Extra": field === "X-Extra" ? value : "1",
                  },
          };
          const outcome = await sendMail(
            { EMAIL: binding, MAIL_FROM: field === "from" ? value : "newsletters@news.example", DB: env.DB, MAIL_CAPTURE: "" },
            mail,
            0,
          ).catch((error: unknown) => ({ ok: false as const, thrown: String(error) }));
          for (const message of calls) assertClean(message);
          if (CONTROL.test(value) || /[\u2028\u2029]/.test(value)) {
            expect(outcome.ok).toBe(false);
            expect(calls).toHaveLength(0);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("parses lists strictly", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const list = parseList(text);
        if (list)
          expect(text).toMatch(/^([a-z]{2,3}(-[a-z0-9]{1,8})*\/)?(home|corrections|(section|tag|author|live):[a-z0-9-]+)$/);
      }),
    );
  });

  it("names an edition's lists apart from the default edition's, and round-trips every list", () => {
    expect(parseList("es/section:world")).toEqual({ edition: "es", kind: "section", slug: "world" });
    expect(parseList("section:world")).toEqual({ edition: "", kind: "section", slug: "world" });
    expect(parseList("pt-br/home")).toEqual({ edition: "pt-br", kind: "home" });
    for (const refused of ["ES/home", "/home", "es/", "es/live:x", "e/home", "es/es/home", "es/section:"])
      expect(parseList(refused), refused).toBeNull();
    expect(listsOf({ section: "world", tags: ["floods"], authors: [] }, "es")).toEqual([
      "es/home",
      "es/section:world",
      "es/tag:floods",
    ]);
    fc.assert(
      fc.property(
        fc.constantFrom("", "es", "pt-br", "zh-hans"),
        fc.constantFrom("home", "corrections", "section", "tag", "author"),
        fc.stringMatching(/^[a-z0-9]+(-[a-z0-9]+)*$/),
        (edition, kind, slug) => {
          const list = kind === "home" || kind === "corrections" ? { edition, kind } : { edition, kind, slug };
          const name = listName(list as Parameters<typeof listName>[0]);
          if (slug.length <= 100) expect(parseList(name)).toEqual(list);
        },
      ),
    );
  });
});
