/**
 * @module newsroom/desk/pages/newsletters
 * The desk's Newsletters page (`GET /api/newsletters` as a page): every list with its confirmed and
 * pending subscribers by mode, and the newest sends with their deliveries counted by status.
 */
import type { listsWithCounts, recentSends } from "../../../data/mail";
import { listLabel } from "../../mail/compose";
import { formatTime } from "../time-zone";
import { TableScroll } from "./layout";

/** The manual newsletter's form, as the editor filled it in. */
export interface ManualFields {
  list: string;
  subject: string;
  intro: string;
  articles: string;
  /** Wall time in the site's zone; empty for now. */
  sendAt: string;
  testTo: string;
}

export const EMPTY_MANUAL: ManualFields = { list: "home", subject: "", intro: "", articles: "", sendAt: "", testTo: "" };

export interface NewslettersProps {
  lists: Awaited<ReturnType<typeof listsWithCounts>>;
  sends: Awaited<ReturnType<typeof recentSends>>;
  zone: string;
  fields: ManualFields;
  /** What the newsletter looks like, after "Preview". */
  preview?: { subject: string; text: string };
}

const KIND: Record<string, string> = { alert: "Alert", correction: "Correction notice", digest: "Digest" };

function ManualForm(props: { fields: ManualFields; zone: string; preview?: { subject: string; text: string } }) {
  const f = props.fields;
  return (
    <section aria-labelledby="manual-heading">
      <h2 id="manual-heading">Write a newsletter</h2>
      <form method="post" action="/desk/newsletters" class="manual-newsletter">
        <p>
          <label for="nl-list">List</label>
          <input id="nl-list" name="list" value={f.list} required aria-describedby="nl-list-hint" />
          <span class="hint" id="nl-list-hint">
            home, section:slug, tag:slug, author:slug, live:slug or corrections. It goes to everyone on the list, alerts and
            digests alike.
          </span>
        </p>
        <p>
          <label for="nl-subject">Subject</label>
          <input id="nl-subject" name="subject" value={f.subject} required maxlength={200} />
        </p>
        <p>
          <label for="nl-intro">Introduction</label>
          <textarea id="nl-intro" name="intro" rows={6} maxlength={5000}>
            {f.intro}
          </textarea>
        </p>
        <p>
          <label for="nl-articles">Articles</label>
          <textarea id="nl-articles" name="articles" rows={4} aria-describedby="nl-articles-hint">
            {f.articles}
          </textarea>
          <span class="hint" id="nl-articles-hint">
            Their slugs, one a line, in the order to show them.
          </span>
        </p>
        <p>
          <label for="nl-send-at">Send at ({props.zone})</label>
          <input id="nl-send-at" name="sendAt" type="datetime-local" value={f.sendAt} aria-describedby="nl-send-at-hint" />
          <span class="hint" id="nl-send-at-hint">
            Empty: as soon as you press Send.
          </span>
        </p>
        <p>
          <label for="nl-test-to">Send a test to</label>
          <input id="nl-test-to" name="testTo" type="email" value={f.testTo} autocomplete="email" />
        </p>
        <p class="actions">
          <button type="submit" name="action" value="preview">
            Preview
          </button>{" "}
          <button type="submit" name="action" value="test">
            Send a test
          </button>{" "}
          <button type="submit" name="action" value="send" class="primary">
            Send
          </button>
        </p>
      </form>
      {props.preview ? (
        <section aria-labelledby="preview-heading" class="newsletter-preview">
          <h3 id="preview-heading">Preview: {props.preview.subject}</h3>
          <pre>{props.preview.text}</pre>
        </section>
      ) : null}
    </section>
  );
}

export function NewslettersPage(props: NewslettersProps) {
  return (
    <>
      <ManualForm fields={props.fields} zone={props.zone} preview={props.preview} />
      <section aria-labelledby="lists-heading">
        <h2 id="lists-heading">Lists</h2>
        {props.lists.length === 0 ? (
          <p class="empty">No one has subscribed yet.</p>
        ) : (
          <TableScroll label="Lists and their subscribers">
            <table>
              <thead>
                <tr>
                  <th scope="col">List</th>
                  <th scope="col">Mode</th>
                  <th scope="col">Confirmed</th>
                  <th scope="col">Waiting to confirm</th>
                </tr>
              </thead>
              <tbody>
                {props.lists.map((row) => (
                  <tr>
                    <th scope="row">
                      <code>{row.list}</code> <span class="hint">{listLabel(row.list)}</span>
                    </th>
                    <td>{row.mode === "digest" ? "Daily digest" : "Alerts"}</td>
                    <td>{row.confirmed.toLocaleString("en")}</td>
                    <td>{row.pending.toLocaleString("en")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      <section aria-labelledby="sends-heading">
        <h2 id="sends-heading">Recent sends</h2>
        {props.sends.length === 0 ? (
          <p class="empty">Nothing has been sent yet.</p>
        ) : (
          <TableScroll label="Recent sends and their deliveries">
            <table>
              <thead>
                <tr>
                  <th scope="col">Sent</th>
                  <th scope="col">What</th>
                  <th scope="col">To</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Suppressed</th>
                </tr>
              </thead>
              <tbody>
                {props.sends.map((send) => (
                  <tr>
                    <td>
                      <time datetime={new Date(send.created_at).toISOString()}>{formatTime(send.created_at, props.zone)}</time>
                    </td>
                    <th scope="row">
                      {KIND[send.kind] ?? send.kind}: {send.subject}
                    </th>
                    <td>
                      <code>{send.list}</code>
                    </td>
                    <td>{send.sent.toLocaleString("en")}</td>
                    <td>{(send.queued + send.sending).toLocaleString("en")}</td>
                    <td>{send.failed.toLocaleString("en")}</td>
                    <td>{send.suppressed.toLocaleString("en")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </>
  );
}
