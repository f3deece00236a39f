/**
 * Cloudflare Access JWTs: real RS256 keys made by jose, a fake certs endpoint that counts its
 * fetches, and an injected clock, so key caching and rotation are checked without waiting.
 */
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigurationError } from "../../src/core/config";
import { type AccessSettings, accessFromEnv, forgetAccessKeys, verifyAccessJwt } from "../../src/newsroom/desk/access";

const SETTINGS: AccessSettings = { teamDomain: "newsroom.cloudflareaccess.com", audience: "aud-4714c1ad" };
const ISSUER = "https://newsroom.cloudflareaccess.com";
const NOW = Date.parse("2026-11-28T12:00:00Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
interface Signer {
  kid: string;
  privateKey: PrivateKey;
  jwk: JWK;
}

async function signer(kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, jwk };
}

let current: Signer;
let rotated: Signer;
let stranger: Signer;

beforeAll(async () => {
  [current, rotated, stranger] = await Promise.all([signer("current"), signer("rotated"), signer("current")]);
});

/** The certs endpoint: serves `served` and records every URL it was asked for. */
const certs = { served: [] as JWK[], status: 200, requests: [] as string[] };
const fetchCerts = async (request: Request): Promise<Response> => {
  certs.requests.push(request.url);
  if (certs.status !== 200) return new Response("unavailable", { status: certs.status });
  return Response.json({ keys: certs.served, public_cert: { kid: "ignored", cert: "…" } });
};
const at = (now: number) => ({ fetch: fetchCerts, now });

beforeEach(() => {
  forgetAccessKeys();
  certs.served = [current.jwk];
  certs.status = 200;
  certs.requests = [];
});

afterEach(() => {
  vi.restoreAllMocks();
});

interface TokenOptions {
  claims?: JWTPayload;
  by?: Signer;
  issuedAt?: number;
  expiresAt?: number;
  notBefore?: number;
  issuer?: string;
  audience?: string;
}

/** A token as Access issues it, valid at NOW for a day, with whatever the test changes. */
function token(options: TokenOptions = {}): Promise<string> {
  const by = options.by ?? current;
  const jwt = new SignJWT({ email: "ana@newsroom.example", type: "app", ...options.claims })
    .setProtectedHeader({ alg: "RS256", kid: by.kid })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? SETTINGS.audience)
    .setSubject("7335d417-61da-459d-899c-0a01c76a2f94")
    .setIssuedAt(Math.floor((options.issuedAt ?? NOW - MINUTE) / 1000))
    .setExpirationTime(Math.floor((options.expiresAt ?? NOW + 24 * HOUR) / 1000));
  if (options.notBefore !== undefined) jwt.setNotBefore(Math.floor(options.notBefore / 1000));
  return jwt.sign(by.privateKey);
}

const base64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

describe("verifyAccessJwt", () => {
  it("returns the editor's email for a valid token, fetching the keys from the team's certs endpoint", async () => {
    expect(await verifyAccessJwt(await token(), SETTINGS, at(NOW))).toEqual({ email: "ana@newsroom.example" });
    expect(certs.requests).toEqual(["https://newsroom.cloudflareaccess.com/cdn-cgi/access/certs"]);
  });

  it("refuses an expired token, but allows 30 s of clock skew", async () => {
    const expiresAt = NOW - 2 * MINUTE;
    const expired = await token({ issuedAt: NOW - HOUR, expiresAt });
    expect(await verifyAccessJwt(expired, SETTINGS, at(NOW))).toBeNull();
    expect(await verifyAccessJwt(expired, SETTINGS, at(expiresAt + 20_000))).toEqual({ email: "ana@newsroom.example" });
  });

  it("refuses a token that is not valid yet", async () => {
    const early = await token({ notBefore: NOW + 5 * MINUTE, issuedAt: NOW });
    expect(await verifyAccessJwt(early, SETTINGS, at(NOW))).toBeNull();
    expect(await verifyAccessJwt(early, SETTINGS, at(NOW + 5 * MINUTE))).toEqual({ email: "ana@newsroom.example" });
  });

  it("refuses a token without an expiry", async () => {
    const forever = await new SignJWT({ email: "ana@newsroom.example" })
      .setProtectedHeader({ alg: "RS256", kid: current.kid })
      .setIssuer(ISSUER)
      .setAudience(SETTINGS.audience)
      .sign(current.privateKey);
    expect(await verifyAccessJwt(forever, SETTINGS, at(NOW))).toBeNull();
  });

  it("refuses a token for another Access application", async () => {
    expect(await verifyAccessJwt(await token({ audience: "aud-other-app" }), SETTINGS, at(NOW))).toBeNull();
  });

  it("refuses a token from another team", async () => {
    const other = await token({ issuer: "https://elsewhere.cloudflareaccess.com" });
    expect(await verifyAccessJwt(other, SETTINGS, at(NOW))).toBeNull();
  });

  it("refuses a token signed by another key that claims a known kid", async () => {
    expect(stranger.kid).toBe(current.kid);
    expect(await verifyAccessJwt(await token({ by: stranger }), SETTINGS, at(NOW))).toBeNull();
  });

  it("refuses alg none", async () => {
    const header = base64url({ alg: "none", kid: current.kid });
    const payload = base64url({ email: "ana@newsroom.example", iss: ISSUER, aud: SETTINGS.audience, exp: NOW / 1000 + 3600 });
    expect(await verifyAccessJwt(`${header}.${payload}.`, SETTINGS, at(NOW))).toBeNull();
  });

  it("refuses HS256, even keyed with the public key's own text", async () => {
    const secret = new TextEncoder().encode(JSON.stringify(current.jwk));
    const forged = await new SignJWT({ email: "ana@newsroom.example" })
      .setProtectedHeader({ alg: "HS256", kid: current.kid })
      .setIssuer(ISSUER)
      .setAudience(SETTINGS.audience)
      .setExpirationTime(Math.floor(NOW / 1000) + 3600)
      .sign(secret);
    expect(await verifyAccessJwt(forged, SETTINGS, at(NOW))).toBeNull();
  });

  it("refuses a token without an email, or with an empty one (a service token)", async () => {
    const service = await token({ claims: { email: undefined, common_name: "ci.access" } });
    expect(await verifyAccessJwt(service, SETTINGS, at(NOW))).toBeNull();
    expect(await verifyAccessJwt(await token({ claims: { email: "" } }), SETTINGS, at(NOW))).toBeNull();
    expect(await verifyAccessJwt(await token({ claims: { email: 42 } }), SETTINGS, at(NOW))).toBeNull();
  });

  it("returns null for garbage without fetching any keys", async () => {
    for (const garbage of ["", "not a jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9", `${await token()}x`.replace(/\./g, "")]) {
      expect(await verifyAccessJwt(garbage, SETTINGS, at(NOW))).toBeNull();
    }
    expect(certs.requests).toHaveLength(0);
  });

  it("returns null and logs when the keys cannot be fetched, then tries again on the next request", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    certs.status = 503;
    expect(await verifyAccessJwt(await token(), SETTINGS, at(NOW))).toBeNull();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("https://newsroom.cloudflareaccess.com/cdn-cgi/access/certs"));

    const throwing = async (): Promise<Response> => {
      throw new TypeError("network down");
    };
    expect(await verifyAccessJwt(await token(), SETTINGS, { fetch: throwing, now: NOW })).toBeNull();
    expect(logged).toHaveBeenLastCalledWith(expect.stringContaining("network down"));

    certs.status = 200;
    expect(await verifyAccessJwt(await token(), SETTINGS, at(NOW + 1000))).toEqual({ email: "ana@newsroom.example" });
    expect(certs.requests).toHaveLength(2);
  });

  it("returns null and logs when the certs endpoint answers something that is not a key set", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const notKeys = async () => Response.json({ keys: "none" });
    expect(await verifyAccessJwt(await token(), SETTINGS, { fetch: notKeys, now: NOW })).toBeNull();
    expect(logged).toHaveBeenCalledOnce();
  });
});

describe("the key cache", () => {
  it("fetches the keys once for many verifications within the hour", async () => {
    const jwt = await token();
    expect(await verifyAccessJwt(jwt, SETTINGS, at(NOW))).not.toBeNull();
    expect(await verifyAccessJwt(jwt, SETTINGS, at(NOW + 59 * MINUTE))).not.toBeNull();
    expect(certs.requests).toHaveLength(1);
  });

  it("makes one fetch for concurrent verifications", async () => {
    const jwt = await token();
    const results = await Promise.all([1, 2, 3].map(() => verifyAccessJwt(jwt, SETTINGS, at(NOW))));
    expect(results).toEqual([1, 2, 3].map(() => ({ email: "ana@newsroom.example" })));
    expect(certs.requests).toHaveLength(1);
  });

  it("fetches the keys again after an hour, and uses what it gets", async () => {
    const old = await token();
    expect(await verifyAccessJwt(old, SETTINGS, at(NOW))).not.toBeNull();
    // Access has dropped the old key by now: a token it signed no longer passes.
    certs.served = [rotated.jwk];
    expect(await verifyAccessJwt(old, SETTINGS, at(NOW + HOUR))).toBeNull();
    expect(certs.requests).toHaveLength(2);
  });

  it("keeps each team's keys apart", async () => {
    const other: AccessSettings = { teamDomain: "other.cloudflareaccess.com", audience: SETTINGS.audience };
    expect(await verifyAccessJwt(await token(), SETTINGS, at(NOW))).not.toBeNull();
    expect(await verifyAccessJwt(await token({ issuer: "https://other.cloudflareaccess.com" }), other, at(NOW))).not.toBeNull();
    expect(certs.requests).toEqual([
      "https://newsroom.cloudflareaccess.com/cdn-cgi/access/certs",
      "https://other.cloudflareaccess.com/cdn-cgi/access/certs",
    ]);
  });

  it("fetches again when a token names an unknown kid (a rotation), at most once a minute", async () => {
    expect(await verifyAccessJwt(await token(), SETTINGS, at(NOW))).not.toBeNull();
    certs.served = [current.jwk, rotated.jwk];
    const fresh = await token({ by: rotated });

    // Within a minute of the last fetch: no new fetch, so the new key is not known yet.
    expect(await verifyAccessJwt(fresh, SETTINGS, at(NOW + 30_000))).toBeNull();
    expect(certs.requests).toHaveLength(1);

    // A minute on: one fetch, and the rotated key is found.
    expect(await verifyAccessJwt(fresh, SETTINGS, at(NOW + MINUTE))).toEqual({ email: "ana@newsroom.example" });
    expect(certs.requests).toHaveLength(2);
    expect(await verifyAccessJwt(fresh, SETTINGS, at(NOW + MINUTE + 1000))).not.toBeNull();
    expect(certs.requests).toHaveLength(2);

    // Forged kids cannot make a fetch each: only one a minute.
    const bogus = { ...stranger, kid: "bogus" };
    for (const second of [1, 10, 59]) {
      expect(await verifyAccessJwt(await token({ by: bogus }), SETTINGS, at(NOW + MINUTE + second * 1000))).toBeNull();
    }
    expect(certs.requests).toHaveLength(2);
    expect(await verifyAccessJwt(await token({ by: bogus }), SETTINGS, at(NOW + 2 * MINUTE + 1000))).toBeNull();
    expect(certs.requests).toHaveLength(3);
  });
});

describe("accessFromEnv", () => {
  it("is null when neither variable is set, or both are empty as in wrangler.toml", () => {
    expect(accessFromEnv({})).toBeNull();
    expect(accessFromEnv({ ACCESS_TEAM_DOMAIN: "", ACCESS_AUD: " " })).toBeNull();
  });

  it("takes a bare team domain and the audience", () => {
    expect(accessFromEnv({ ACCESS_TEAM_DOMAIN: "newsroom.cloudflareaccess.com", ACCESS_AUD: "aud-4714c1ad" })).toEqual(SETTINGS);
  });

  it("strips https:// and trailing slashes, and lower-cases the domain", () => {
    for (const domain of [
      "https://newsroom.cloudflareaccess.com",
      "https://Newsroom.CloudflareAccess.com/",
      " newsroom.cloudflareaccess.com// ",
    ]) {
      expect(accessFromEnv({ ACCESS_TEAM_DOMAIN: domain, ACCESS_AUD: "aud-4714c1ad" })).toEqual(SETTINGS);
    }
  });

  it("throws naming the missing variable when only one is set", () => {
    expect(() => accessFromEnv({ ACCESS_TEAM_DOMAIN: "newsroom.cloudflareaccess.com" })).toThrow(/ACCESS_AUD must be set/);
    expect(() => accessFromEnv({ ACCESS_TEAM_DOMAIN: "newsroom.cloudflareaccess.com", ACCESS_AUD: "" })).toThrow(
      /ACCESS_AUD must be set/,
    );
    expect(() => accessFromEnv({ ACCESS_AUD: "aud-4714c1ad" })).toThrow(/ACCESS_TEAM_DOMAIN must be set/);
  });

  it("throws a ConfigurationError, which the newsroom answers with 503 rather than 500", () => {
    expect(() => accessFromEnv({ ACCESS_AUD: "aud-4714c1ad" })).toThrow(ConfigurationError);
    expect(() => accessFromEnv({ ACCESS_TEAM_DOMAIN: "newsroom", ACCESS_AUD: "aud-4714c1ad" })).toThrow(ConfigurationError);
  });

  it("throws naming ACCESS_TEAM_DOMAIN when it is not a bare host name", () => {
    for (const domain of [
      "http://newsroom.cloudflareaccess.com",
      "newsroom.cloudflareaccess.com/cdn-cgi/access/certs",
      "newsroom.cloudflareaccess.com:443",
      "user@newsroom.cloudflareaccess.com",
      "newsroom",
      "news room.cloudflareaccess.com",
      "-newsroom.cloudflareaccess.com",
      "https://",
    ]) {
      expect(() => accessFromEnv({ ACCESS_TEAM_DOMAIN: domain, ACCESS_AUD: "aud-4714c1ad" }), domain).toThrow(
        /ACCESS_TEAM_DOMAIN must be a host name/,
      );
    }
  });
});
