/**
 * @module bench/people
 * Issue 22's targets, in `npm run bench` (alone: `BENCH_ONLY=people npm run bench`):
 *
 * - Authentication with people's tokens in D1: the D1 statements an API request prepares, counted
 *   inside the newsroom (runtime.ts's countD1 wrapper), for `GET /api/me` (which reads nothing but
 *   who is calling) and an article's `GET`, with a person's token and with an EDITOR_TOKENS one;
 *   and each request's p50 with both tokens, one connection, in alternating rounds, and the difference.
 * - Presence: from a save's response (an API PUT) to the `saved` message on another WebSocket open
 *   on the article, over 127.0.0.1.
 */
import type { LoadSettings } from "./config";
import { measure } from "./load";
import { verdict } from "./report";
import { COUNT_D1_HEADER, D1_STATEMENTS_HEADER, EDITOR_TOKEN, type Runtime, WORKERS } from "./runtime";
import type { Template } from "./seed";

/** Issue 22: a D1 token's p50 no more than this above an EDITOR_TOKENS token's, for the same request. */
const P50_TARGET_MS = 1;
/** Issue 22: D1 reads an API request makes for its authentication. */
const AUTH_READS_TARGET = 1;
/** Alternating load rounds per credential and route (A B B A …), so a drift in the machine falls on both. */
const ROUNDS = 4;
/**
 * One connection: a request's latency, not a queue's. With eight, each p50 is mostly time spent
 * waiting behind the other seven, and on a shared machine that wait swamps a 1 ms difference.
 */
const CONNECTIONS = 1;
/** Saves timed for presence, one after another. */
const PRESENCE_SAVES = 30;
const PRESENCE_TIMEOUT_MS = 10_000;
const SLUG = "bench-people";

const bootstrap = { Authorization: `Bearer ${EDITOR_TOKEN}` };
const json = { "Content-Type": "application/json" };

export interface AuthRoute {
  label: string;
  path: string;
  /** D1 statements prepared before the response, with each credential. */
  statements: { person: number; bootstrap: number };
  /** Median over rounds of each round's p50, in ms. */
  p50: { person: number; bootstrap: number };
  requestsPerSecond: { person: number; bootstrap: number };
}

export interface PeopleResult {
  auth: AuthRoute[];
  /**
   * Per save: ms from its response (the whole body read) to the `saved` message, negative when the
   * message came first (the object is told in waitUntil, beside the response); and ms from sending
   * the save to the message.
   */
  presence: { saves: number; afterResponse: number[]; afterRequest: number[]; p50: number; p99: number; max: number } | null;
  /** Printed lines, for the run's summary. */
  lines: string[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

async function call(base: URL, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { ...headers, ...(body === undefined ? {} : json) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { response, text };
}

/** A person (an editor) and one token of theirs, made through the API as an admin would. */
async function personToken(app: URL): Promise<string> {
  const person = await call(app, "POST", "/api/people", bootstrap, {
    name: "Bench Editor",
    email: "bench@news.example",
    role: "editor",
  });
  if (person.response.status !== 201) throw new Error(`POST /api/people answered ${person.response.status}: ${person.text}`);
  const { id } = (JSON.parse(person.text) as { person: { id: string } }).person;
  const token = await call(app, "POST", `/api/people/${id}/tokens`, bootstrap, { name: "bench", expiresInDays: 1 });
  if (token.response.status !== 201) throw new Error(`POST …/tokens answered ${token.response.status}: ${token.text}`);
  return (JSON.parse(token.text) as { token: string }).token;
}

/** The D1 statements one request prepared, from the counting wrapper; the request must answer 200. */
async function statementsFor(url: URL, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, { headers: { ...headers, [COUNT_D1_HEADER]: "1" } });
  await response.arrayBuffer();
  const counted = response.headers.get(D1_STATEMENTS_HEADER);
  if (response.status !== 200 || counted === null)
    throw new Error(`${url.pathname}: status ${response.status}, ${D1_STATEMENTS_HEADER} ${counted}: is countD1 on?`);
  return Number(counted);
}

/** The version an API save answered, from its ETag (`"v"` or `W/"v"`). */
const versionOf = (response: Response): string => (response.headers.get("ETag") ?? "").replace(/^W\//, "").replaceAll('"', "");

/**
 * Opens a WebSocket on the article's presence as `token`, straight to the newsroom's socket (Node's
 * WebSocket, undici's, takes the bearer token as a header). Resolves once the first `present` arrives.
 */
async function watch(runtime: Runtime, token: string, saved: Map<string, number>): Promise<WebSocket> {
  const url = new URL(`/api/articles/${SLUG}/presence`, runtime.newsroomUrl);
  url.protocol = "ws:";
  // undici's WebSocketInit accepts headers, which the DOM's WebSocket does not: a Node-only option.
  const Socket = WebSocket as unknown as new (url: string, init: { headers: Record<string, string> }) => WebSocket;
  const socket = new Socket(url.href, { headers: { Authorization: `Bearer ${token}` } });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("presence: no `present` message")), PRESENCE_TIMEOUT_MS);
    socket.addEventListener("error", () => reject(new Error("presence: the WebSocket failed to open")));
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { type: string; version?: string };
      if (message.type === "present") {
        clearTimeout(timer);
        resolve();
      }
      if (message.type === "saved" && message.version) saved.set(message.version, performance.now());
    });
  });
  return socket;
}

async function timePresence(runtime: Runtime, template: Template, token: string): Promise<PeopleResult["presence"]> {
  const app = runtime.urls[WORKERS.app];
  const saved = new Map<string, number>();
  const socket = await watch(runtime, token, saved);
  try {
    let etag = (await call(app, "GET", `/api/articles/${SLUG}`, bootstrap)).response.headers.get("ETag") ?? "";
    const afterResponse: number[] = [];
    const afterRequest: number[] = [];
    for (let i = 0; i < PRESENCE_SAVES; i++) {
      const sent = performance.now();
      const input = { ...template.input, title: `People bench, save ${i + 1}` };
      const response = await fetch(new URL(`/api/articles/${SLUG}`, app), {
        method: "PUT",
        headers: { ...bootstrap, ...json, "If-Match": etag },
        body: JSON.stringify(input),
      });
      await response.arrayBuffer();
      const answered = performance.now();
      if (response.status !== 200) throw new Error(`presence: save ${i + 1} answered ${response.status}`);
      etag = response.headers.get("ETag") ?? "";
      const version = versionOf(response);
      const deadline = answered + PRESENCE_TIMEOUT_MS;
      while (!saved.has(version) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 0));
      const arrived = saved.get(version);
      if (arrived === undefined) throw new Error(`presence: no "saved" message for version ${version}`);
      afterResponse.push(arrived - answered);
      afterRequest.push(arrived - sent);
    }
    const ms = afterResponse;
    return {
      saves: ms.length,
      afterResponse,
      afterRequest,
      p50: percentile(ms, 50),
      p99: percentile(ms, 99),
      max: Math.max(...ms),
    };
  } finally {
    socket.close();
  }
}

/**
 * Runs issue 22's cases on a runtime started with `countD1`, whose migrations are applied. Writes
 * one person, one token and one article.
 */
export async function benchPeople(
  runtime: Runtime,
  template: Template,
  settings: LoadSettings,
  log: (line: string) => void,
): Promise<PeopleResult> {
  const app = runtime.urls[WORKERS.app];
  const token = await personToken(app);
  const person = { Authorization: `Bearer ${token}` };
  const created = await call(app, "PUT", `/api/articles/${SLUG}`, { ...bootstrap, "If-None-Match": "*" }, template.input);
  if (created.response.status !== 201) throw new Error(`PUT ${SLUG} answered ${created.response.status}: ${created.text}`);

  const auth: AuthRoute[] = [];
  for (const route of [
    { label: "GET /api/me", path: "/api/me" },
    { label: "GET /api/articles/:slug", path: `/api/articles/${SLUG}` },
  ]) {
    const url = new URL(route.path, app);
    // Twice each: the first use of a token records it (after the response, at most once a minute).
    await statementsFor(url, person);
    const statements = { person: await statementsFor(url, person), bootstrap: await statementsFor(url, bootstrap) };
    const rounds = { person: [] as number[], bootstrap: [] as number[] };
    const rates = { person: [] as number[], bootstrap: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (["person", "bootstrap"] as const) : (["bootstrap", "person"] as const);
      for (const who of order) {
        const measured = await measure(url, who === "person" ? person : bootstrap, { ...settings, connections: CONNECTIONS });
        if (measured.non2xx + measured.errors > 0)
          throw new Error(`${route.label} (${who}): ${measured.non2xx} non-2xx, ${measured.errors} errors`);
        rounds[who].push(measured.p50);
        rates[who].push(measured.requestsPerSecond);
      }
    }
    const result: AuthRoute = {
      ...route,
      statements,
      p50: { person: median(rounds.person), bootstrap: median(rounds.bootstrap) },
      requestsPerSecond: { person: median(rates.person), bootstrap: median(rates.bootstrap) },
    };
    auth.push(result);
    log(
      `  ${route.label.padEnd(26)} one connection, ${ROUNDS} alternating rounds: person's token: p50 ${result.p50.person.toFixed(2)} ms, ${statements.person} D1 statements; ` +
        `EDITOR_TOKENS: p50 ${result.p50.bootstrap.toFixed(2)} ms, ${statements.bootstrap}`,
    );
  }

  log(`  presence: ${PRESENCE_SAVES} API saves, each timed from its response to the "saved" message on an open WebSocket`);
  const presence = await timePresence(runtime, template, token);

  const me = auth[0] as AuthRoute;
  const lines = [
    `D1 statements for authentication with a person's token (GET /api/me, which reads nothing else): ${me.statements.person}  ` +
      `target ≤ ${AUTH_READS_TARGET}  ${verdict(me.statements.person <= AUTH_READS_TARGET)}` +
      `  (an EDITOR_TOKENS token: ${me.statements.bootstrap}, the failed-attempts check)`,
    ...auth.map((route) => {
      const difference = route.p50.person - route.p50.bootstrap;
      return (
        `${route.label}: p50 ${route.p50.person.toFixed(2)} ms with a person's token, ${route.p50.bootstrap.toFixed(2)} ms with an ` +
        `EDITOR_TOKENS token: ${difference >= 0 ? "+" : ""}${difference.toFixed(2)} ms  target ≤ +${P50_TARGET_MS} ms  ` +
        `${verdict(difference <= P50_TARGET_MS)}  (${route.requestsPerSecond.person.toFixed(0)} vs ` +
        `${route.requestsPerSecond.bootstrap.toFixed(0)} req/s; D1 statements ${route.statements.person} vs ${route.statements.bootstrap})`
      );
    }),
    presence
      ? `Presence, a save's response until the "saved" message on another WebSocket (${presence.saves} saves, locally): ` +
        `p50 ${presence.p50.toFixed(1)} ms, p99 ${presence.p99.toFixed(1)} ms, max ${presence.max.toFixed(1)} ms ` +
        `(negative: the message came first); from sending the save, p50 ${percentile(presence.afterRequest, 50).toFixed(1)} ms`
      : "Presence: not measured",
  ];
  return { auth, presence, lines };
}
