/**
 * @module newsroom/desk/pages/newsletters
 * The desk's Newsletters page (`GET /api/newsletters` as a page): every list with its confirmed and
 * pending subscribers by mode, and the newest sends with their deliveries counted by status.
 */
import type { listsWithCounts, recentSends } from "../../../data/mail";
import { listLabel } from "../../mail/compose";
import { formatTime } from "../time-zone";
import { TableScroll } from "./layout";

export interface NewslettersProps {
  lists: Awaited<ReturnType<typeof listsWithCounts>>;
  sends: Awaited<ReturnType<typeof recentSends>>;
  zone: string;
}

const KIND: Record<string, string> = { alert: "Alert", correction: "Correction notice", digest: "Digest" };

export function NewslettersPage(props: NewslettersProps) {
  return (
    <>
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
