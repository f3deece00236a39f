/**
 * @module newsroom/people
 * What the API and the desk share about people: checking a new person or a change, and writing it
 * with its audit entry (and, for a new person, their invitation) in one D1 batch, so a refused
 * request (a taken email, an unknown role) writes nothing.
 */
import type { Context } from "hono";
import * as v from "valibot";
import { ROLES } from "../core/roles";
import type { FieldProblem } from "../core/schema";
import { auditStatement } from "../data/audit";
import { emailKey, insertInvitation, insertPerson, type PersonRow, personById, updatePerson } from "../data/people";
import type { AppEnv } from "./app-env";
import { deskSecret } from "./desk/guard";
import { INVITATION_MS, invitationPath } from "./invitations";
import type { Actor } from "./permissions";

export const problemsOf = (issues: v.BaseIssue<unknown>[]): FieldProblem[] =>
  issues.map((issue) => ({
    field: issue.path?.map((p) => String(p.key)).join(".") || "body",
    problem: issue.message,
  }));

export const NAME = v.pipe(
  v.string("must be a string"),
  v.trim(),
  v.minLength(1, "is required"),
  v.maxLength(200, "must be at most 200 characters"),
);
const ROLE = v.picklist(ROLES, `must be one of ${ROLES.join(", ")}`);

const newPersonSchema = v.strictObject(
  {
    name: NAME,
    email: v.pipe(
      v.string("must be a string"),
      v.trim(),
      v.maxLength(254, "must be at most 254 characters"),
      v.email("is not an email address"),
    ),
    role: ROLE,
  },
  (issue) => `is not a field of a person (${String(issue.input)})`,
);

const personChangeSchema = v.strictObject({
  name: v.optional(NAME),
  role: v.optional(ROLE),
  active: v.optional(v.boolean("must be true or false")),
});

/** The audit entry's actor fields. */
export const by = (actor: Actor) => ({ actorId: actor.id, actorName: actor.name });

/** A person as the API shows them. */
export const personView = (person: PersonRow) => ({
  id: person.id,
  name: person.name,
  email: person.email,
  role: person.role,
  active: person.active === 1,
  created: new Date(person.created_at).toISOString(),
  lastSeen: person.last_seen_at === null ? null : new Date(person.last_seen_at).toISOString(),
});

type Refused = { ok: false; status: 400 | 404 | 409; error: string; details: FieldProblem[] };

/** Adds a person from `input` ({name, email, role}), with a 7-day invitation (when the desk has its secret). */
export async function createPerson(
  c: Context<AppEnv>,
  input: unknown,
): Promise<{ ok: true; person: PersonRow; invitation: { url: string; expires: string } | null } | Refused> {
  const parsed = v.safeParse(newPersonSchema, input);
  if (!parsed.success) return { ok: false, status: 400, error: "The person is not valid", details: problemsOf(parsed.issues) };
  const { name, email, role } = parsed.output;
  const db = c.env.DB;
  const now = c.var.clock.now();
  const id = crypto.randomUUID();
  const invitation = crypto.randomUUID();
  const actor = c.var.actor as Actor;
  // The invitation and the audit entry are written only if the person was: a taken email writes nothing.
  const [person] = await db.batch([
    insertPerson(db, { id, name, email, emailKey: emailKey(email), role, now }),
    insertInvitation(db, { id: invitation, personId: id, now, expires: now + INVITATION_MS }),
    auditStatement(db, {
      at: now,
      ...by(actor),
      action: "person-created",
      target: `person:${id}`,
      detail: { role, email },
      onlyIf: { person: id },
    }),
  ]);
  if ((person?.meta.changes ?? 0) !== 1)
    return {
      ok: false,
      status: 409,
      error: "Someone already has that email",
      details: [{ field: "email", problem: "is taken (compared case-insensitively)" }],
    };
  const created = await personById(db, id);
  if (!created) throw new Error("a person just created is missing");
  const secret = deskSecret(c.env);
  const link = secret ? `${c.var.site.url}${await invitationPath(invitation, secret)}` : null;
  return {
    ok: true,
    person: created,
    invitation: link ? { url: link, expires: new Date(now + INVITATION_MS).toISOString() } : null,
  };
}

/** Changes a person's name, role or active flag from `input`; each change is audited in the same batch. */
export async function changePerson(
  c: Context<AppEnv>,
  id: string,
  input: unknown,
): Promise<{ ok: true; person: PersonRow } | Refused> {
  const parsed = v.safeParse(personChangeSchema, input);
  if (!parsed.success) return { ok: false, status: 400, error: "The change is not valid", details: problemsOf(parsed.issues) };
  const db = c.env.DB;
  const person = await personById(db, id);
  if (!person)
    return {
      ok: false,
      status: 404,
      error: `There is no person "${id}"`,
      details: [{ field: "id", problem: "names no person" }],
    };
  const change = parsed.output;
  const next = {
    name: change.name ?? person.name,
    role: change.role ?? person.role,
    active: change.active ?? person.active === 1,
  };
  const actor = c.var.actor as Actor;
  const now = c.var.clock.now();
  const actions = [
    ...(next.role !== person.role ? [{ action: "role-changed", detail: { from: person.role, to: next.role } }] : []),
    ...(next.active !== (person.active === 1)
      ? [{ action: next.active ? "person-reactivated" : "person-deactivated", detail: {} }]
      : []),
    ...(next.name !== person.name ? [{ action: "person-renamed", detail: { from: person.name, to: next.name } }] : []),
  ];
  if (actions.length > 0) {
    await db.batch([
      updatePerson(db, { id: person.id, ...next }),
      ...actions.map(({ action, detail }) =>
        auditStatement(db, { at: now, ...by(actor), action, target: `person:${person.id}`, detail }),
      ),
    ]);
  }
  return { ok: true, person: (await personById(db, person.id)) ?? person };
}
