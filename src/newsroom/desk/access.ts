/**
 * @module newsroom/desk/access
 * Cloudflare Access in front of the desk: the settings, and the check of the JWT that Access puts in
 * each request's `Cf-Access-Jwt-Assertion` header.
 *
 * Access signs with RS256 keys it publishes as a JWKS at `https://<team domain>/cdn-cgi/access/certs`
 * and rotates every few weeks, serving the old key beside the new one for a while. So the key set is
 * cached per isolate and per team domain for an hour, and fetched again early, at most once a minute,
 * when a token names a `kid` the cached set lacks: a rotation then costs one fetch, and a stream of
 * forged `kid`s cannot turn into a stream of fetches.
 */
import { createLocalJWKSet, decodeProtectedHeader, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { ConfigurationError } from "../../core/config";

/** Which Access application the desk sits behind. */
export interface AccessSettings {
  /** The team domain as a bare host name, like "newsroom.cloudflareaccess.com". */
  teamDomain: string;
  /** The application's AUD tag. */
  audience: string;
}

/** How long a fetched key set is used before it is fetched again. */
const KEYS_TTL_MS = 60 * 60 * 1000;
/** The shortest time between two fetches of one team's keys when a token's `kid` is unknown. */
const REFETCH_INTERVAL_MS = 60 * 1000;
/** Leeway for `exp` and `nbf`, for clocks that disagree a little. */
const CLOCK_TOLERANCE_S = 30;

// RFC 7515 §7.1: header.payload.signature, each base64url.
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/;

// One DNS name: labels of letters, digits and inner hyphens, at least two of them (RFC 1123 §2.1).
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/**
 * The Access settings from the Worker's vars: null when neither is set (editors sign in with their
 * token instead). Throws when only one is set, or when the team domain is not a host name, so a
 * half-configured desk fails when the app is built rather than letting everyone through or no one.
 * @example accessFromEnv({ ACCESS_TEAM_DOMAIN: "https://newsroom.cloudflareaccess.com/", ACCESS_AUD: "4714c1…" })
 * // { teamDomain: "newsroom.cloudflareaccess.com", audience: "4714c1…" }
 */
export function accessFromEnv(env: { ACCESS_TEAM_DOMAIN?: string; ACCESS_AUD?: string }): AccessSettings | null {
  const domain = env.ACCESS_TEAM_DOMAIN?.trim() ?? "";
  const audience = env.ACCESS_AUD?.trim() ?? "";
  if (domain === "" && audience === "") return null;
  if (domain === "")
    throw new ConfigurationError("[vars] ACCESS_TEAM_DOMAIN must be set when ACCESS_AUD is (Access needs both, or neither)");
  if (audience === "")
    throw new ConfigurationError("[vars] ACCESS_AUD must be set when ACCESS_TEAM_DOMAIN is (Access needs both, or neither)");
  const teamDomain = domain
    .replace(/^https:\/\//i, "")
    .replace(/\/+$/, "")
    .toLowerCase();
  if (!HOST_NAME.test(teamDomain)) {
    throw new ConfigurationError(
      `[vars] ACCESS_TEAM_DOMAIN must be a host name like newsroom.cloudflareaccess.com, not ${JSON.stringify(domain)}`,
    );
  }
  return { teamDomain, audience };
}

interface KeySet {
  /** When the fetch started, by the injected clock. */
  fetchedAt: number;
  /** The keys, or null when the fetch failed. Shared, so concurrent requests make one fetch. */
  keys: Promise<JWTVerifyGetKey | null>;
}

// Per isolate: each isolate fetches the keys once an hour, which Access's endpoint easily bears.
const keySets = new Map<string, KeySet>();

/** For tests only: forgets every cached key set, so the next verification fetches again. */
export function forgetAccessKeys(): void {
  keySets.clear();
}

/**
 * The editor's email from a valid Access JWT, or null for anything else: a malformed, expired,
 * not-yet-valid or wrongly signed token, the wrong audience or issuer, no email, or keys that could
 * not be fetched (which is logged). Never throws for a bad token.
 * @example
 * const editor = await verifyAccessJwt(request.headers.get("Cf-Access-Jwt-Assertion") ?? "", settings, { fetch, now: clock.now() });
 * // { email: "ana@newsroom.example" } or null
 */
export async function verifyAccessJwt(
  assertion: string,
  settings: AccessSettings,
  options: { fetch: (request: Request) => Promise<Response>; now: number },
): Promise<{ email: string } | null> {
  // Something that is not even a compact JWS costs no key fetch.
  if (!COMPACT_JWS.test(assertion)) return null;
  try {
    decodeProtectedHeader(assertion);
  } catch {
    return null;
  }
  const domain = settings.teamDomain;
  let keySet = keySets.get(domain);
  if (!keySet || options.now - keySet.fetchedAt >= KEYS_TTL_MS) keySet = fetchKeySet(domain, options);
  let outcome = await verifyWith(keySet, assertion, settings, options.now);
  if (outcome === UNKNOWN_KEY) {
    // Another request may have fetched the keys since this one began: use those, without a fetch.
    const latest = keySets.get(domain);
    if (latest && latest !== keySet) keySet = latest;
    else if (options.now - keySet.fetchedAt >= REFETCH_INTERVAL_MS) keySet = fetchKeySet(domain, options);
    else return null;
    outcome = await verifyWith(keySet, assertion, settings, options.now);
  }
  return outcome === UNKNOWN_KEY ? null : outcome;
}

const UNKNOWN_KEY = Symbol("unknown key");

async function verifyWith(
  keySet: KeySet,
  assertion: string,
  settings: AccessSettings,
  now: number,
): Promise<{ email: string } | null | typeof UNKNOWN_KEY> {
  const keys = await keySet.keys;
  if (!keys) {
    // Forgotten, so the next request tries again rather than failing for the rest of the hour.
    if (keySets.get(settings.teamDomain) === keySet) keySets.delete(settings.teamDomain);
    return null;
  }
  try {
    const { payload } = await jwtVerify(assertion, keys, {
      issuer: `https://${settings.teamDomain}`,
      audience: settings.audience,
      algorithms: ["RS256"],
      currentDate: new Date(now),
      clockTolerance: CLOCK_TOLERANCE_S,
      // A token without an expiry would be good forever.
      requiredClaims: ["exp"],
    });
    const email = payload.email;
    // Service tokens carry a common_name and no email: they are not editors.
    return typeof email === "string" && email.trim() !== "" ? { email } : null;
  } catch (error) {
    return error instanceof errors.JWKSNoMatchingKey ? UNKNOWN_KEY : null;
  }
}

function fetchKeySet(domain: string, options: { fetch: (request: Request) => Promise<Response>; now: number }): KeySet {
  const keySet: KeySet = { fetchedAt: options.now, keys: loadKeys(domain, options.fetch) };
  keySets.set(domain, keySet);
  return keySet;
}

async function loadKeys(domain: string, fetch: (request: Request) => Promise<Response>): Promise<JWTVerifyGetKey | null> {
  const url = `https://${domain}/cdn-cgi/access/certs`;
  try {
    const response = await fetch(new Request(url, { headers: { Accept: "application/json" } }));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return createLocalJWKSet(await response.json());
  } catch (error) {
    console.error(
      `desk: could not fetch the Cloudflare Access keys from ${url}: ${error instanceof Error ? error.message : error}`,
    );
    return null;
  }
}
