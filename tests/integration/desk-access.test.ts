/**
 * The desk behind Cloudflare Access: a request carrying Access's JWT is signed in as the email it
 * names, with no sign-in of its own; a forged or foreign one is not. The Worker fetches the team's
 * keys through its injected `fetch`, answered here by a fake certs endpoint.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, beforeEach, expect, it } from "vitest";
import { insertPerson } from "../../src/data/people";
import { forgetAccessKeys } from "../../src/newsroom/desk/access";
import { createNewsroom } from "../../src/newsroom/index";
import { clock, SITE } from "./helpers";

const TEAM = "newsroom.cloudflareaccess.com";
const AUD = "aud-desk-test";
const ACCESS = { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD };

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let team: Keys;
let stranger: Keys;
let jwks: unknown;
const certRequests: string[] = [];

const worker = createNewsroom({
  clock,
  fetch: async (request: Request) => {
    certRequests.push(request.url);
    return Response.json(jwks);
  },
});

beforeAll(async () => {
  [team, stranger] = await Promise.all([generateKeyPair("RS256", { extractable: true }), generateKeyPair("RS256")]);
  jwks = { keys: [{ ...(await exportJWK(team.publicKey)), kid: "k1", alg: "RS256", use: "sig" }] };
});

beforeEach(() => {
  forgetAccessKeys();
  certRequests.length = 0;
});

function token(keys: Keys, claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  // The standard claims first, so a test's own `aud` or `exp` replaces them.
  return new SignJWT({ email: "ana@newsroom.example", iss: `https://${TEAM}`, aud: AUD, iat: now, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .sign(keys.privateKey);
}

async function deskRequest(path: string, assertion: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(new URL(path, SITE), {
    redirect: "manual",
    ...init,
    headers: { Accept: "text/html", Origin: SITE, "Cf-Access-Jwt-Assertion": assertion, ...init.headers },
  }) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, { ...env, ...ACCESS }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

it("signs in the person with Access's email (compared case-insensitively), and records saves under their name", async () => {
  await env.DB.batch([
    insertPerson(env.DB, {
      id: "p-ana",
      name: "Ana Lima",
      email: "Ana@Newsroom.example",
      emailKey: "ana@newsroom.example",
      role: "editor",
      now: clock.now(),
    }),
  ]);
  const assertion = await token(team);
  const list = await deskRequest("/desk", assertion);
  expect(list.status).toBe(200);
  expect(await list.text()).toContain("Ana Lima");
  expect(certRequests).toEqual([`https://${TEAM}/cdn-cgi/access/certs`]);
  const saved = await deskRequest("/desk/new", assertion, {
    method: "POST",
    body: new URLSearchParams({ title: "Via Access", category: "News", published: "2026-01-01T09:00", body: "Text." }),
  });
  expect(saved.status).toBe(303);
  const row = await env.DB.prepare("SELECT changed_by FROM articles WHERE slug = 'via-access'").first<{ changed_by: string }>();
  expect(row?.changed_by).toBe("Ana Lima");
});

it("refuses an Access identity whose email is no person's, and makes no account", async () => {
  const response = await deskRequest("/desk", await token(team, { email: "stranger@newsroom.example" }));
  expect(response.status).toBe(303);
  expect(response.headers.get("Location")).toMatch(/^\/desk\/sign-in/);
  expect(await env.DB.prepare("SELECT count(*) AS n FROM people").first("n")).toBe(0);
});

it("refuses a JWT signed by another key, for another application, or expired", async () => {
  for (const assertion of [
    await token(stranger),
    await token(team, { aud: "another-app" }),
    await token(team, { exp: Math.floor(clock.now() / 1000) - 3600 }),
    "not-a-jwt",
  ]) {
    const response = await deskRequest("/desk", assertion);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toMatch(/^\/desk\/sign-in/);
  }
});
