/**
 * @module tests/browser/support/worker
 * The real Worker under `wrangler dev`, with its own empty state, for the desk's browser tests: two
 * editors (so a conflict has two sides) and a fixed desk secret.
 */
import { fetchUntil, type LocalWorker, startLocalWorker } from "../../cli/local-worker";

/** The editors' tokens, as they type them into "Editor token". */
export const EDITORS = { ana: "browser-test-token-ana-0123456789abcdef", bo: "browser-test-token-bo-0123456789abcdef" } as const;

/** Signs desk sessions and draft preview links in these tests only. */
export const DESK_SECRET = "browser-test-desk-secret-0123456789abcdef";

export type { LocalWorker };

/**
 * Starts a Worker whose SITE_URL is its own address.
 *
 * @example
 * const worker = await startDeskWorker();
 * await page.goto(`${worker.url}/desk/sign-in`);
 * await worker.stop();
 */
export function startDeskWorker(): Promise<LocalWorker> {
  const tokens = Object.entries(EDITORS)
    .map(([name, token]) => `${name}:${token}`)
    .join(",");
  return startLocalWorker(tokens, { DESK_SECRET });
}

/**
 * Fetches `url` until it answers `status` (or one of several), for up to fifteen seconds:
 * publishing reaches the read model through the outbox, a moment after the desk answers.
 *
 * @example
 * const response = await eventually(`${worker.url}/articles/hello`, 200);
 * const gone = await eventually(`${worker.url}/articles/old`, [404, 410]);
 */
export function eventually(url: string, status: number | number[], init: RequestInit = {}): Promise<Response> {
  const wanted = Array.isArray(status) ? status : [status];
  return fetchUntil(url, (response) => wanted.includes(response.status), init);
}
