/**
 * Issue 19, class 1: guessing editor tokens. One limit on failed authentications per client,
 * shared by the API's bearer tokens and the desk's sign-in, and no Worker that runs with a token
 * short enough to guess.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigurationError } from "../../src/core/config";
import { editorsFromEnv, MIN_TOKEN_LENGTH } from "../../src/newsroom/editors";
import { FAILURES_PER_MINUTE } from "../../src/newsroom/failed-auth";
import { clock, request, SITE, TOKEN } from "./helpers";

const WRONG = "wrong-token-0123456789abcdef0123456789";

const api = (token: string, address = "203.0.113.7") =>
  request("/api/articles", { headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": address } });

const signIn = (token: string, address = "203.0.113.7") =>
  request("/desk/sign-in", {
    method: "POST",
    body: new URLSearchParams({ token, next: "/desk" }),
    redirect: "manual",
    headers: { Origin: SITE, Accept: "text/html", "CF-Connecting-IP": address },
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("failed bearer tokens on the API", () => {
  it("answers 401 ten times a minute, then 429 with Retry-After, even for the right token", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await api(`${WRONG}${i}`)).status);
    expect(statuses.slice(0, FAILURES_PER_MINUTE)).toEqual(Array(FAILURES_PER_MINUTE).fill(401));
    expect(new Set(statuses.slice(FAILURES_PER_MINUTE))).toEqual(new Set([429]));

    const refused = await api(TOKEN);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
    expect(refused.headers.get("Cache-Control")).toBe("no-store");
    const body = await refused.json<{ error: string; details: { field: string }[] }>();
    expect(body.details[0]?.field).toBe("Authorization");

    clock.advance(61_000);
    expect((await api(TOKEN)).status).toBe(200);
  });

  it("never counts the right token, or a request without one, as a failure", async () => {
    for (let i = 0; i < 3 * FAILURES_PER_MINUTE; i++) expect((await api(TOKEN)).status).toBe(200);
    for (let i = 0; i < 3 * FAILURES_PER_MINUTE; i++)
      expect((await request("/api/articles", { headers: { "CF-Connecting-IP": "203.0.113.7" } })).status).toBe(401);
    expect((await api(WRONG)).status).toBe(401);
  });

  it("lets no more than ten of a burst of simultaneous guesses be answered", async () => {
    const statuses = await Promise.all(Array.from({ length: 25 }, (_, i) => api(`${WRONG}${i}`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(FAILURES_PER_MINUTE);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25 - FAILURES_PER_MINUTE);
  });

  it("counts an IPv6 client by its /64, and other clients apart", async () => {
    for (let i = 0; i < FAILURES_PER_MINUTE; i++) expect((await api(WRONG, `2001:db8:1:2::${i + 1}`)).status).toBe(401);
    expect((await api(WRONG, "2001:db8:1:2:ffff::9")).status).toBe(429);
    expect((await api(TOKEN, "2001:db8:1:3::1")).status).toBe(200);
    expect((await api(TOKEN, "198.51.100.1")).status).toBe(200);
  });
});

describe("one limit for the API and the desk together", () => {
  it("counts wrong sign-ins and wrong bearer tokens from one client in one window", async () => {
    for (let i = 0; i < 5; i++) expect((await signIn(`${WRONG}${i}`)).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await api(`${WRONG}${i}`)).status).toBe(401);
    const api429 = await api(TOKEN);
    expect(api429.status).toBe(429);
    const desk429 = await signIn(TOKEN);
    expect(desk429.status).toBe(429);
    expect(desk429.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(desk429.headers.get("Set-Cookie")).toBeNull();
  });
});

describe("EDITOR_TOKENS", () => {
  it("accepts the test tokens (vitest.config.ts), which meet the minimum", () => {
    expect(MIN_TOKEN_LENGTH).toBe(32);
    expect(editorsFromEnv(env).map((e) => e.name)).toEqual(["ana", "editor"]);
  });

  it("refuses a short token, a shared one, or one a bearer header cannot carry, naming the editor and never the token", () => {
    const long = "x".repeat(MIN_TOKEN_LENGTH);
    const cases: [string, RegExp][] = [
      [`ana:${"s".repeat(MIN_TOKEN_LENGTH - 1)},bo:${long}`, /"ana" has 31 characters; every token needs at least 32/],
      [`ana:${long},bo:${long}`, /"bo" is also another entry's token/],
      [`ana:${long}!`, /"ana" has characters a bearer token cannot carry/],
    ];
    for (const [tokens, message] of cases) {
      let thrown: unknown;
      try {
        editorsFromEnv({ EDITOR_TOKENS: tokens });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigurationError);
      expect((thrown as Error).message).toMatch(message);
      expect((thrown as Error).message).not.toContain("sss");
      expect((thrown as Error).message).not.toContain("xxx");
    }
  });

  it("with a short token, the API and the desk refuse every request with a plain 503 and a log line; readers are served", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const settings = { EDITOR_TOKENS: "ana:s3cret" };
    const answers = [
      await request("/api/articles", { headers: { Authorization: "Bearer s3cret" } }, settings),
      await request("/desk/sign-in", { headers: { Accept: "text/html" } }, settings),
      await request(
        "/desk/sign-in",
        { method: "POST", body: new URLSearchParams({ token: "s3cret" }), headers: { Origin: SITE } },
        settings,
      ),
    ];
    for (const response of answers) {
      expect(response.status).toBe(503);
      expect(response.headers.get("Set-Cookie")).toBeNull();
      const text = await response.text();
      expect(text).toContain("not configured correctly");
      expect(text).not.toContain("s3cret");
      expect(text).not.toContain("ana");
    }
    const logged = errors.mock.calls.map((call) => call.join(" "));
    expect(logged.some((line) => /^GET \/api\/articles: .*EDITOR_TOKENS: the token of "ana" has 6 characters/.test(line))).toBe(
      true,
    );
    expect(logged.join("\n")).not.toContain("s3cret");
    expect((await request("/robots.txt", {}, settings)).status).toBe(200);
  });
});
