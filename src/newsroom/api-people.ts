/**
 * @module newsroom/api-people
 * People and their tokens, through the editors' API:
 *
 * - `POST /api/people` `{name, email, role}` (admin): 201 with the person and a one-time invitation
 *   link (7 days, signed, single use) that signs them into the desk.
 * - `GET /api/people`, `GET /api/people/:id`, `PATCH /api/people/:id` `{role?, name?, active?}` (admin).
 *   Deactivating someone stops their tokens and desk sessions on their next request.
 * - `POST /api/people/:id/tokens` `{name, expiresInDays?}` (1–365, default 90): 201 with the token,
 *   shown this once; only its SHA-256 is stored. `GET /api/people/:id/tokens` lists them, never the
 *   token. `DELETE /api/tokens/:id` revokes one. People manage their own tokens; admins anyone's.
 * - `GET /api/me`: whoever is calling.
 *
 * Every change is written in one D1 batch with its audit entry (data/audit.ts), and a refused
 * request writes nothing.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import * as v from "valibot";
import { auditStatement } from "../data/audit";
import { insertToken, listPeople, listTokens, personById, revokeToken, type TokenRow, tokenById } from "../data/people";
import { jsonInput } from "./api-input";
import type { AppEnv } from "./app-env";
import { sha256Hex } from "./auth";
import { base64url } from "./desk/hmac";
import { by, changePerson, createPerson, NAME, personView, problemsOf } from "./people";
import { type Actor, can, requires } from "./permissions";

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a token lasts when its maker does not say. */
export const DEFAULT_TOKEN_DAYS = 90;

const newTokenSchema = v.strictObject({
  name: NAME,
  expiresInDays: v.optional(
    v.pipe(
      v.number("must be a number of days"),
      v.integer("must be a whole number of days"),
      v.minValue(1, "must be at least 1"),
      v.maxValue(365, "must be at most 365"),
    ),
  ),
});

/** The JSON body, or a 400/415 naming the problem. */
const tokenView = (token: TokenRow) => ({
  id: token.id,
  name: token.name,
  created: new Date(token.created_at).toISOString(),
  expires: new Date(token.expires_at).toISOString(),
  lastUsed: token.last_used_at === null ? null : new Date(token.last_used_at).toISOString(),
});

const noPerson = (c: Context, id: string) =>
  c.json({ error: `There is no person "${id}"`, details: [{ field: "id", problem: "names no person" }] }, 404);

/** People manage their own tokens; someone else's need `people:manage`. */
const mayManageTokensOf = (actor: Actor, personId: string): boolean => actor.id === personId || can(actor.role, "people:manage");

/** A new token's text: 32 random bytes in base64url (43 characters) after a prefix that says what it is. */
const newTokenText = (): string => `bs_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;

export const peopleApi = new Hono<AppEnv>()
  .get("/me", requires("articles:read"), (c) => {
    const actor = c.var.actor as Actor;
    return c.json({ id: actor.id, name: actor.name, email: actor.email ?? null, role: actor.role });
  })
  .get("/people", requires("people:manage"), async (c) => c.json({ people: (await listPeople(c.env.DB)).map(personView) }))
  .post("/people", requires("people:manage"), jsonInput, async (c) => {
    const body = c.req.valid("json");
    const made = await createPerson(c, body);
    if (!made.ok) return c.json({ error: made.error, details: made.details }, made.status);
    c.header("Location", `/api/people/${made.person.id}`);
    return c.json(
      {
        person: personView(made.person),
        invitation: made.invitation,
        ...(made.invitation ? {} : { warnings: ["No invitation link: the desk needs the DESK_SECRET secret."] }),
      },
      201,
    );
  })
  .get("/people/:id", requires("people:manage"), async (c) => {
    const person = await personById(c.env.DB, c.req.param("id"));
    return person ? c.json(personView(person)) : noPerson(c, c.req.param("id"));
  })
  .patch("/people/:id", requires("people:manage"), jsonInput, async (c) => {
    const body = c.req.valid("json");
    const changed = await changePerson(c, c.req.param("id"), body);
    if (!changed.ok) return c.json({ error: changed.error, details: changed.details }, changed.status);
    return c.json(personView(changed.person));
  })
  .post("/people/:id/tokens", requires("tokens:own"), jsonInput, async (c) => {
    const actor = c.var.actor as Actor;
    const personId = c.req.param("id");
    if (!mayManageTokensOf(actor, personId)) return c.json({ error: "forbidden", need: "people:manage" }, 403);
    const body = c.req.valid("json");
    const parsed = v.safeParse(newTokenSchema, body);
    if (!parsed.success) return c.json({ error: "The token is not valid", details: problemsOf(parsed.issues) }, 400);
    const db = c.env.DB;
    const person = await personById(db, personId);
    if (!person) return noPerson(c, personId);
    const now = c.var.clock.now();
    const token = newTokenText();
    const id = crypto.randomUUID();
    const expires = now + (parsed.output.expiresInDays ?? DEFAULT_TOKEN_DAYS) * DAY_MS;
    await db.batch([
      insertToken(db, { id, personId, name: parsed.output.name, hash: await sha256Hex(token), now, expires }),
      auditStatement(db, {
        at: now,
        ...by(actor),
        action: "token-created",
        target: `token:${id}`,
        detail: { person: personId, name: parsed.output.name },
      }),
    ]);
    c.header("Cache-Control", "no-store");
    return c.json({ id, name: parsed.output.name, token, expires: new Date(expires).toISOString() }, 201);
  })
  .get("/people/:id/tokens", requires("tokens:own"), async (c) => {
    const actor = c.var.actor as Actor;
    const personId = c.req.param("id");
    if (!mayManageTokensOf(actor, personId)) return c.json({ error: "forbidden", need: "people:manage" }, 403);
    if (!(await personById(c.env.DB, personId))) return noPerson(c, personId);
    return c.json({ tokens: (await listTokens(c.env.DB, personId)).map(tokenView) });
  })
  .delete("/tokens/:id", requires("tokens:own"), async (c) => {
    const actor = c.var.actor as Actor;
    const db = c.env.DB;
    const token = await tokenById(db, c.req.param("id"));
    // Someone else's token is "no such token" to a person who may not manage it: its id says nothing.
    if (!token || token.revoked_at !== null || !mayManageTokensOf(actor, token.person_id))
      return c.json({ error: "There is no such token", details: [{ field: "id", problem: "names no current token" }] }, 404);
    const now = c.var.clock.now();
    await db.batch([
      revokeToken(db, { id: token.id, now }),
      auditStatement(db, {
        at: now,
        ...by(actor),
        action: "token-revoked",
        target: `token:${token.id}`,
        detail: { person: token.person_id },
      }),
    ]);
    return c.json({ id: token.id, revoked: true });
  });
