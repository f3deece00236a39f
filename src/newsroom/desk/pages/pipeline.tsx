/**
 * @module newsroom/desk/pages/pipeline
 * The publishing pipeline as editors see it (`GET /api/pipeline` as a page): what is waiting, the
 * latest rebuild and its progress, "Rebuild everything", the dead letters with a way to replay
 * them, and recent failures. And the notice that a release changed how pages are rendered, which
 * the article list shows too.
 */

import type { PipelineStatus } from "../../../pipeline/status";
import type { MailDeadLetter } from "../../mail/dead-letters";
import { formatTime } from "../time-zone";
import { TableScroll } from "./layout";

export const REBUILD_NEEDED_TEXT = "This release changed how pages are rendered; rebuild to bring every page up to date.";

/**
 * Shown until a rebuild has finished under this release's render pipeline (`PIPELINE_VERSION`).
 * Away from the pipeline page it links there, where the button is.
 */
export function RebuildNeeded(props: { link?: boolean }) {
  return (
    <div class="notice status rebuild-needed" role="status">
      <p>
        {REBUILD_NEEDED_TEXT}
        {props.link ? (
          <>
            {" "}
            <a href="/desk/pipeline">Rebuild on the pipeline page</a>
          </>
        ) : null}
      </p>
    </div>
  );
}

/** What a message on the queue is for, as an editor would say it. */
const KIND_NAMES: Record<string, string> = {
  article: "Article page",
  listing: "Listing",
  fanout: "Fan-out of",
  websub: "WebSub ping for",
  purge: "Cache purge of",
  mail: "Newsletter send",
};

/** The work a dead letter stood for, from its stored message body. */
export function describeWork(kind: string, target: string): string {
  return `${KIND_NAMES[kind] ?? kind} ${target}`.trim();
}

function workOfBody(body: string): { kind: string; target: string } {
  try {
    const message = JSON.parse(body) as { kind?: unknown; target?: unknown; send?: unknown; after?: unknown } | null;
    // The mail queue's messages (newsroom/mail/fanout.ts): a send and the page after a subscriber.
    if (typeof message?.send === "number")
      return { kind: "mail", target: `${message.send}${message.after ? ` after subscriber ${String(message.after)}` : ""}` };
    return { kind: String(message?.kind ?? ""), target: String(message?.target ?? "") };
  } catch {
    return { kind: "", target: body.slice(0, 80) };
  }
}

/** The work, linked to its editor when it is an article's page. */
function Work(props: { kind: string; target: string }) {
  const text = describeWork(props.kind, props.target);
  return props.kind === "article" ? <a href={`/desk/articles/${encodeURIComponent(props.target)}`}>{text}</a> : text;
}

function When(props: { iso: string; zone: string }) {
  return <time datetime={props.iso}>{formatTime(Date.parse(props.iso), props.zone)}</time>;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

function Backlog(props: { backlog: PipelineStatus["backlog"] }) {
  const { backlog } = props;
  const rows: Array<[string, number]> = [
    ["Saved, waiting to be sent to the queue", backlog.unsent],
    ["On the queue, not yet built", backlog.waiting],
    ["Dead letters, waiting for a replay", backlog.dead],
    ["Cache purges waiting for their turn", backlog.purges],
  ];
  return (
    <section aria-labelledby="backlog-heading">
      <h2 id="backlog-heading">Backlog</h2>
      <table class="backlog">
        <caption class="visually-hidden">What the pipeline has still to do</caption>
        <tbody>
          {rows.map(([label, count]) => (
            <tr>
              <th scope="row">{label}</th>
              <td>{count.toLocaleString("en")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Who started a rebuild: an editor, or a change to the navigation (editorial/database.ts). */
const startedBy = (by: string) => (by === "navigation" ? "a change to the navigation" : by);

function Rebuild(props: { rebuild: PipelineStatus["rebuild"]; zone: string }) {
  const { rebuild, zone } = props;
  // An empty site's rebuild has nothing to count: it is shown full, as finished.
  const max = rebuild ? Math.max(1, rebuild.total) : 1;
  const value = rebuild ? (rebuild.finishedAt && rebuild.total === 0 ? 1 : rebuild.done) : 0;
  return (
    <section aria-labelledby="rebuild-heading">
      <h2 id="rebuild-heading">Rebuild</h2>
      {rebuild ? (
        <div class="rebuild">
          <p>
            <label for="rebuild-progress">
              Rebuild {rebuild.id}, started by {startedBy(rebuild.startedBy)} <When iso={rebuild.startedAt} zone={zone} />:{" "}
              {rebuild.done.toLocaleString("en")} of {plural(rebuild.total, "document", "documents")}{" "}
              {rebuild.finishedAt ? (
                <>
                  built, finished <When iso={rebuild.finishedAt} zone={zone} />.
                </>
              ) : (
                "built so far. Reload the page to follow it."
              )}
            </label>
          </p>
          <progress id="rebuild-progress" max={max} value={value}>
            {Math.floor((value / max) * 100)}%
          </progress>
        </div>
      ) : (
        <p class="empty">No rebuild has run yet.</p>
      )}
      <form method="post" action="/desk/pipeline/rebuild" class="rebuild-everything">
        <p class="hint" id="rebuild-hint">
          Builds every article page, listing and feed again from the editorial database. Readers keep the current pages until each
          new one is written, and saves go ahead of the rebuild.
        </p>
        <button type="submit" class="primary" aria-describedby="rebuild-hint">
          Rebuild everything
        </button>
      </form>
    </section>
  );
}

function DeadLetters(props: { letters: PipelineStatus["deadLetters"]; count: number; zone: string }) {
  const { letters, count, zone } = props;
  return (
    <section aria-labelledby="dead-heading">
      <h2 id="dead-heading">Dead letters</h2>
      <p class="hint">
        Work that failed every retry. Once what made it fail is fixed, replay it: it goes back on the queue and is built from the
        editorial database as it is now.
      </p>
      {letters.length === 0 ? (
        <p class="empty">No dead letters.</p>
      ) : (
        <>
          <form method="post" action="/desk/pipeline/replay" class="replay-all">
            <button type="submit">Replay all</button>
          </form>
          <TableScroll label="Dead letters">
            <table class="dead-letters">
              <caption>
                {plural(count, "dead letter", "dead letters")}
                {count > letters.length ? `, the newest ${letters.length} shown` : ""}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Work</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {letters.map((letter) => {
                  const work = workOfBody(letter.body);
                  return (
                    <tr>
                      <th scope="row">
                        <Work {...work} />
                      </th>
                      <td>{letter.error ?? "—"}</td>
                      <td>
                        <When iso={letter.failedAt} zone={zone} />
                      </td>
                      <td>
                        <form method="post" action="/desk/pipeline/replay">
                          <input type="hidden" name="id" value={String(letter.id)} />
                          <button type="submit" aria-label={`Replay: ${describeWork(work.kind, work.target)}`}>
                            Replay
                          </button>
                        </form>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}

function Failures(props: { failures: PipelineStatus["failures"]; zone: string }) {
  const { failures, zone } = props;
  return (
    <section aria-labelledby="failures-heading">
      <h2 id="failures-heading">Recent failures</h2>
      {failures.length === 0 ? (
        <p class="empty">No failures.</p>
      ) : (
        <TableScroll label="Recent failures">
          <table class="failures">
            <caption>The newest {plural(failures.length, "failure", "failures")}; each is retried with a growing delay</caption>
            <thead>
              <tr>
                <th scope="col">Work</th>
                <th scope="col">Attempt</th>
                <th scope="col">Error</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {failures.map((failure) => (
                <tr>
                  <th scope="row">
                    <Work kind={failure.kind} target={failure.target} />
                  </th>
                  <td>{failure.attempts}</td>
                  <td>{failure.error}</td>
                  <td>
                    <When iso={failure.at} zone={zone} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

/** The newsletters' dead letters, apart from the pipeline's: a replay puts them back on the mail queue. */
function MailDeadLetters(props: { letters: MailDeadLetter[]; count: number; zone: string }) {
  const { letters, count, zone } = props;
  return (
    <section aria-labelledby="mail-dead-heading">
      <h2 id="mail-dead-heading">Newsletter dead letters</h2>
      <p class="hint">
        Pages of a newsletter send that failed every retry. Replaying one sends it to whoever on that page was not sent it yet; no
        one gets the same email twice.
      </p>
      {letters.length === 0 ? (
        <p class="empty">No newsletter dead letters.</p>
      ) : (
        <>
          <form method="post" action="/desk/pipeline/replay-mail" class="replay-all">
            <button type="submit">Replay all newsletter sends</button>
          </form>
          <TableScroll label="Newsletter dead letters">
            <table class="dead-letters">
              <caption>
                {plural(count, "newsletter dead letter", "newsletter dead letters")}
                {count > letters.length ? `, the newest ${letters.length} shown` : ""}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Send</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {letters.map((letter) => {
                  const work = describeWork("mail", `${letter.send}${letter.after ? ` after subscriber ${letter.after}` : ""}`);
                  return (
                    <tr>
                      <th scope="row">
                        {work}
                        {letter.subject ? (
                          <>
                            <br />
                            <span class="hint">
                              {letter.subject} · {letter.list}
                            </span>
                          </>
                        ) : null}
                      </th>
                      <td>{letter.error ?? "—"}</td>
                      <td>
                        <When iso={letter.failedAt} zone={zone} />
                      </td>
                      <td>
                        <form method="post" action="/desk/pipeline/replay-mail">
                          <input type="hidden" name="id" value={String(letter.id)} />
                          <button type="submit" aria-label={`Replay: ${work}`}>
                            Replay
                          </button>
                        </form>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}

export function PipelinePage(props: {
  status: PipelineStatus;
  mail: { letters: MailDeadLetter[]; waiting: number };
  zone: string;
}) {
  const { status, zone } = props;
  return (
    <>
      {status.pipelineVersion.needsRebuild ? <RebuildNeeded /> : null}
      <Backlog backlog={status.backlog} />
      <Rebuild rebuild={status.rebuild} zone={zone} />
      <DeadLetters letters={status.deadLetters} count={status.backlog.dead} zone={zone} />
      <MailDeadLetters letters={props.mail.letters} count={props.mail.waiting} zone={zone} />
      <Failures failures={status.failures} zone={zone} />
    </>
  );
}
