/**
 * @module newsroom/audit
 * The audit entry of a request's change, by whoever is calling (data/audit.ts writes it), for the
 * caller to add to the change's own batch.
 */
import type { Context } from "hono";
import { auditStatement } from "../data/audit";
import type { AppEnv } from "./app-env";

/**
 * The statement recording `action` on `target` by the request's actor, now.
 * @example await startRebuild(db, editor, now, [audited(c, "rebuild-started", "pipeline")])
 */
export function audited(
  c: Pick<Context<AppEnv>, "env" | "var">,
  action: string,
  target: string,
  detail?: Record<string, unknown>,
): D1PreparedStatement {
  const actor = c.var.actor;
  return auditStatement(c.env.DB, {
    at: c.var.clock.now(),
    actorId: actor?.id ?? "anonymous",
    actorName: actor?.name ?? "anonymous",
    action,
    target,
    detail,
  });
}
