/**
 * @module data/people
 * The newsroom's people, their API tokens and their invitations (tables `people`, `person_tokens`,
 * `invitations`; src/db/migrations/0013_people.sql). Every statement on those tables is here; rows
 * are checked with valibot where they leave D1.
 *
 * A token is stored only as the hex SHA-256 of its text. Authentication reads one row: the token's
 * person, their role and whether the client is held back by failed attempts, in one statement.
 */
import * as v from "valibot";
import { ROLES } from "../core/roles";
import { sql, statement } from "./sql";

const roleSchema = v.picklist(ROLES);

export const personRowSchema = v.object({
  id: v.string(),
  name: v.string(),
  email: v.string(),
  role: roleSchema,
  active: v.number(),
  created_at: v.number(),
  last_seen_at: v.nullable(v.number()),
});
export type PersonRow = v.InferOutput<typeof personRowSchema>;

const PERSON_COLUMNS = "id, name, email, role, active, created_at, last_seen_at";

/** The key an email is unique by: trimmed and lower case (RFC 5321 lets the local part differ by case; no mail system does). */
export const emailKey = (email: string): string => email.trim().toLowerCase();

const parsePerson = (row: unknown): PersonRow | null => (row ? v.parse(personRowSchema, row) : null);

export const insertPerson = statement<{
  id: string;
  name: string;
  email: string;
  emailKey: string;
  role: string;
  now: number;
}>(
  `INSERT INTO people (id, name, email, email_key, role, active, created_at)
   VALUES (:id, :name, :email, :emailKey, :role, 1, :now) ON CONFLICT (email_key) DO NOTHING`,
);

export async function personById(db: D1Database, id: string): Promise<PersonRow | null> {
  return parsePerson(await sql(db, `SELECT ${PERSON_COLUMNS} FROM people WHERE id = :id`, { id }).first());
}

export async function personByEmail(db: D1Database, email: string): Promise<PersonRow | null> {
  return parsePerson(
    await sql(db, `SELECT ${PERSON_COLUMNS} FROM people WHERE email_key = :key`, { key: emailKey(email) }).first(),
  );
}

export async function listPeople(db: D1Database): Promise<PersonRow[]> {
  const { results } = await sql(db, `SELECT ${PERSON_COLUMNS} FROM people ORDER BY name COLLATE NOCASE, id`).all();
  return results.map((row) => v.parse(personRowSchema, row));
}

/** Changes a person's name, role or active flag; unchanged fields are passed as they are. */
export const updatePerson = statement<{ id: string; name: string; role: string; active: boolean }>(
  "UPDATE people SET name = :name, role = :role, active = :active WHERE id = :id",
);

export const touchPerson = statement<{ id: string; now: number }>("UPDATE people SET last_seen_at = :now WHERE id = :id");

// Tokens

export const tokenRowSchema = v.object({
  id: v.string(),
  person_id: v.string(),
  name: v.string(),
  created_at: v.number(),
  expires_at: v.number(),
  last_used_at: v.nullable(v.number()),
  revoked_at: v.nullable(v.number()),
});
export type TokenRow = v.InferOutput<typeof tokenRowSchema>;

const TOKEN_COLUMNS = "id, person_id, name, created_at, expires_at, last_used_at, revoked_at";

export const insertToken = statement<{
  id: string;
  personId: string;
  name: string;
  hash: string;
  now: number;
  expires: number;
}>(
  `INSERT INTO person_tokens (id, person_id, name, hash, created_at, expires_at)
   VALUES (:id, :personId, :name, :hash, :now, :expires)`,
);

export async function tokenById(db: D1Database, id: string): Promise<TokenRow | null> {
  const row = await sql(db, `SELECT ${TOKEN_COLUMNS} FROM person_tokens WHERE id = :id`, { id }).first();
  return row ? v.parse(tokenRowSchema, row) : null;
}

/** A person's tokens that are not revoked, newest first. */
export async function listTokens(db: D1Database, personId: string): Promise<TokenRow[]> {
  const { results } = await sql(
    db,
    `SELECT ${TOKEN_COLUMNS} FROM person_tokens WHERE person_id = :personId AND revoked_at IS NULL ORDER BY created_at DESC, id`,
    { personId },
  ).all();
  return results.map((row) => v.parse(tokenRowSchema, row));
}

export const revokeToken = statement<{ id: string; now: number }>(
  "UPDATE person_tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL",
);

export const touchToken = statement<{ id: string; now: number }>("UPDATE person_tokens SET last_used_at = :now WHERE id = :id");

const tokenAuthSchema = v.object({
  held_at: v.nullable(v.number()),
  token_id: v.nullable(v.string()),
  expires_at: v.nullable(v.number()),
  revoked_at: v.nullable(v.number()),
  last_used_at: v.nullable(v.number()),
  /** The person's id: null when no token matched. */
  id: v.nullable(v.string()),
});

/** What one read tells authentication about a bearer token that is not a bootstrap token. */
export interface TokenAuth {
  /** When the client's tenth-newest failure in the window was, if it has ten: it must wait. */
  heldAt: number | null;
  token: { id: string; expires: number; revoked: boolean; lastUsed: number | null } | null;
  person: PersonRow | null;
}

/**
 * The token whose hash is `hash`, its person, and the client's lockout, in ONE statement: the one
 * D1 read an API request makes for its authentication.
 */
export async function authenticateToken(
  db: D1Database,
  params: { hash: string; address: string; since: number; offset: number },
): Promise<TokenAuth> {
  const row = await sql(
    db,
    `SELECT
       (SELECT at FROM sign_in_failures WHERE address = :address AND at > :since
          ORDER BY at DESC, rowid DESC LIMIT 1 OFFSET :offset) AS held_at,
       t.id AS token_id, t.expires_at, t.revoked_at, t.last_used_at,
       p.id, p.name, p.email, p.role, p.active, p.created_at, p.last_seen_at
     FROM (SELECT 1) LEFT JOIN person_tokens t ON t.hash = :hash LEFT JOIN people p ON p.id = t.person_id`,
    params,
  ).first();
  const checked = v.parse(tokenAuthSchema, row);
  const person = checked.id === null ? null : v.parse(personRowSchema, row);
  return {
    heldAt: checked.held_at,
    token:
      checked.token_id && checked.expires_at !== null
        ? {
            id: checked.token_id,
            expires: checked.expires_at,
            revoked: checked.revoked_at !== null,
            lastUsed: checked.last_used_at,
          }
        : null,
    person,
  };
}

/**
 * A desk session's person, whether the session was signed out, and whether the person's token it
 * was started with (if any) still holds: unrevoked and unexpired at `now`. One statement.
 */
export async function sessionPerson(
  db: D1Database,
  params: { personId: string; sessionId: string; tokenId: string | null; now: number },
): Promise<{ person: PersonRow | null; signedOut: boolean; tokenHolds: boolean }> {
  const row = await sql(
    db,
    `SELECT EXISTS (SELECT 1 FROM desk_sign_outs WHERE session_id = :sessionId) AS signed_out,
       (:tokenId IS NULL OR EXISTS (SELECT 1 FROM person_tokens WHERE id = :tokenId AND person_id = :personId
          AND revoked_at IS NULL AND expires_at > :now)) AS token_holds,
       p.id, p.name, p.email, p.role, p.active, p.created_at, p.last_seen_at
     FROM (SELECT 1) LEFT JOIN people p ON p.id = :personId`,
    params,
  ).first();
  const checked = v.parse(v.object({ signed_out: v.number(), token_holds: v.number(), id: v.nullable(v.string()) }), row);
  return {
    person: checked.id === null ? null : v.parse(personRowSchema, row),
    signedOut: checked.signed_out === 1,
    tokenHolds: checked.token_holds === 1,
  };
}

// Invitations

/** A new invitation for a person; written only if the person exists (so a batch whose person insert lost writes none). */
export const insertInvitation = statement<{ id: string; personId: string; now: number; expires: number }>(
  `INSERT INTO invitations (id, person_id, created_at, expires_at)
   SELECT :id, :personId, :now, :expires WHERE EXISTS (SELECT 1 FROM people WHERE id = :personId)`,
);

export const invitationRowSchema = v.object({
  id: v.string(),
  person_id: v.string(),
  expires_at: v.number(),
  used_at: v.nullable(v.number()),
});

export async function invitationById(db: D1Database, id: string): Promise<v.InferOutput<typeof invitationRowSchema> | null> {
  const row = await sql(db, "SELECT id, person_id, expires_at, used_at FROM invitations WHERE id = :id", { id }).first();
  return row ? v.parse(invitationRowSchema, row) : null;
}

/** Uses an invitation: changes one row only if it is unused and unexpired, so two clicks sign in once. */
export const useInvitation = statement<{ id: string; now: number }>(
  "UPDATE invitations SET used_at = :now WHERE id = :id AND used_at IS NULL AND expires_at > :now",
);
