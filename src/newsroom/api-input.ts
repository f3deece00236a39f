/**
 * @module newsroom/api-input
 * What the editors' API's handlers share about their input and their refusals: the error shape,
 * `{ error, details: [{ field, problem }] }`, and the route's `:slug`, checked once by Hono's
 * validator middleware before the handler runs. A handler behind `slugParam` reads
 * `c.req.valid("param").slug` and never sees a slug that is not valid.
 */
import type { Context, Env } from "hono";
import { createMiddleware } from "hono/factory";
import { validator } from "hono/validator";
import { type FieldProblem, validateSlug } from "../core/schema";
import type { Refusal } from "../editorial/publishing";

/** Every status the API refuses with. */
export type ErrorStatus = 400 | 401 | 404 | 409 | 412 | 413 | 415 | 429 | 503;

/**
 * The API's one error shape: what went wrong, and each field with its problem.
 * @example apiError(c, 404, 'There is no article "x"', [{ field: "slug", problem: "names no article" }])
 */
export function apiError(c: Context, status: ErrorStatus, error: string, details: FieldProblem[] = []): Response {
  return c.json({ error, details }, status);
}

/** A refusal from editorial/, as the API answers it. */
export const refusal = (c: Context, refused: Refusal): Response => apiError(c, refused.status, refused.error, refused.details);

/** 400 for a route's `:slug` that is not a valid slug, naming the field and its problem. */
export const invalidSlug = (c: Context, problems: FieldProblem[]): Response =>
  apiError(c, 400, "The slug is not valid", problems);

/**
 * The route's `:slug`, checked: the handler reads `c.req.valid("param").slug`; a slug that is not
 * valid is answered 400 before the handler runs.
 * @example new Hono<AppEnv>().get("/authors/:slug", slugParam, (c) => c.text(c.req.valid("param").slug))
 */
export const slugParam = validator("param", (params, c) => {
  const slug = params.slug ?? "";
  const check = validateSlug(slug);
  return check.ok ? { slug } : invalidSlug(c, check.problems);
});

/**
 * What every revision listing shows of one revision, before what is particular to it (the changed
 * fields, the update's text).
 * @example c.json({ revisions: rows.map((r) => ({ ...revisionHead(r), changed: JSON.parse(r.changed) })) })
 */
export const revisionHead = (r: { id: number; version: string; action: string; editor: string; created_at: number }) => ({
  id: r.id,
  version: r.version,
  action: r.action,
  editor: r.editor,
  at: new Date(r.created_at).toISOString(),
});

/**
 * The request's JSON body, read once before the handler runs, which reads `c.req.valid("json")`:
 * 415 naming the type sent when the body is not `application/json`, 400 when it does not parse.
 * Hono's own `validator("json")` passes a body of another type through as `{}` and answers broken
 * JSON in plain text, so the API's error shape needs this one.
 * @example api.put("/sections/:slug", requires("taxonomy:write"), slugParam, jsonInput, (c) => c.json(c.req.valid("json")))
 */
export const jsonInput = createMiddleware<Env, string, { in: { json: unknown }; out: { json: unknown } }>(async (c, next) => {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type !== "application/json") {
    return apiError(c, 415, "Send JSON", [
      { field: "Content-Type", problem: `must be application/json, not ${type.slice(0, 100) || "missing"}` },
    ]);
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return apiError(c, 400, "The body is not valid JSON", [{ field: "body", problem: "is not valid JSON" }]);
  }
  c.req.addValidatedData("json", body as object);
  await next();
});
