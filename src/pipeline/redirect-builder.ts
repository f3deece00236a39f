/**
 * @module pipeline/redirect-builder
 * Brings old paths' redirect documents in KV up to D1's `path_redirects` (outbox kind `redirect`,
 * target the path): written while a row exists, deleted once it is gone. It reads D1's current
 * state, so applying it twice or late does no harm. A batch's redirects cost one D1 read, their KV
 * writes side by side, and one purge of the tag every answer that looked a redirect up carries.
 */
import { runStatements, schedulePurgeStatements } from "../data/pipeline";
import { completeRedirectStatements, redirectsTo } from "../data/redirects";
import { deleteRedirectDocument, putRedirect } from "../readmodel/store";
import { documentTags, redirectName } from "../targets/document-name";
import type { Materialiser } from "./materialise";
import type { RedirectName } from "./messages";

/** KV writes in flight at once: well inside a Worker's six simultaneous connections' worth of work. */
const PARALLEL_WRITES = 25;

/** Applies the redirect messages of one batch, then deletes their outbox rows (and older ones for the same paths). */
export async function applyRedirects(
  m: Materialiser,
  messages: Array<{ redirect: RedirectName; id?: number | undefined }>,
): Promise<void> {
  const paths = [...new Set(messages.map((message) => message.redirect.path))];
  const stored = await redirectsTo(m.db, paths);
  for (let i = 0; i < paths.length; i += PARALLEL_WRITES) {
    await Promise.all(
      paths.slice(i, i + PARALLEL_WRITES).map((path) => {
        const to = stored.get(path);
        return to === undefined ? deleteRedirectDocument(m.store, path) : putRedirect(m.store, path, to);
      }),
    );
  }
  await runStatements(m.db, [
    ...schedulePurgeStatements(m.db, documentTags(redirectName(paths[0] ?? "/")), "purge", m.clock.now()),
    ...completeRedirectStatements(
      m.db,
      messages.flatMap((message) => (message.id === undefined ? [] : [{ target: message.redirect.path, id: message.id }])),
    ),
  ]);
}
