/**
 * @module newsroom/errors
 * The one error handler of the newsroom's apps: the editors' API, the desk and previews.
 * Whatever went wrong, the log gets one line with the method and the path (never the query, the
 * body or a header, where tokens and sessions travel), and the client gets a short answer that
 * says nothing of the cause: the editors' API in its JSON shape, everything else as plain text.
 *
 * - An `HTTPException` (bearer-auth's 401, a 429) carries its own response, which is kept.
 * - A ConfigurationError: 503, until the setting it names is fixed.
 * - A D1 error on the API: 503 with `Retry-After`, since a retry will likely work.
 * - Anything else: 500.
 */
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { NO_STORE } from "../cache/policy";
import { ConfigurationError } from "../core/config";
import type { AppEnv } from "./app-env";

/** Seconds an editor's tool should wait before retrying while the database is unavailable. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Answers an exception that escaped a handler. Install it on every app and sub-app that is fetched
 * on its own (`app.onError(onError)`).
 * @example new Hono<AppEnv>().get("/", () => { throw new Error("x") }).onError(onError) // GET / → 500 "Internal Server Error"
 */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof HTTPException) {
    const response = error.getResponse();
    response.headers.set("Cache-Control", NO_STORE);
    return response;
  }
  const where = `${c.req.method} ${c.req.path}`;
  if (error instanceof ConfigurationError) {
    console.error(`${where}: refused, the Worker is not configured correctly: ${error.message}`);
    return answer(c, 503, "Service Unavailable: the server is not configured correctly; its log says what to fix.");
  }
  console.error(`${where} failed:`, error);
  if (isApi(c) && isD1Error(error)) {
    // Readers are unaffected: the reader Worker never touches D1.
    return answer(c, 503, "The editorial database is unavailable; nothing was changed. Try again shortly.", {
      "Retry-After": String(RETRY_AFTER_SECONDS),
    });
  }
  return answer(
    c,
    500,
    isApi(c) ? "Internal error: the request did not complete. Read the article back before retrying." : "Internal Server Error",
  );
};

const isApi = (c: Context): boolean => c.req.path === "/api" || c.req.path.startsWith("/api/");

function answer(c: Context, status: 500 | 503, text: string, headers: Record<string, string> = {}): Response {
  // The API's own answer for what no cache may store (newsroom/api.ts), even when the error came
  // from before its routes (authentication runs in the outer app).
  const all = { "Cache-Control": isApi(c) ? "no-store" : NO_STORE, ...headers };
  return isApi(c) ? c.json({ error: text, details: [] }, status, all) : c.text(`${text}\n`, status, all);
}

/** Errors from D1 (unreachable, overloaded, or a schema it does not have) start with `D1_`. */
function isD1Error(error: unknown): boolean {
  return error instanceof Error && (/^D1_/.test(error.message) || /\bD1_[A-Z_]+\b/.test(error.message));
}
