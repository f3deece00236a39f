/**
 * @module newsroom/desk/pages/diff-view
 * A line diff as a table: each line marked kept, added or removed, in words as well as colour.
 */
import type { DiffLine } from "../diff";
import { TableScroll } from "./layout";

const MARK = { same: " ", added: "+", removed: "−" } as const;
const SAID = { same: "kept", added: "added", removed: "removed" } as const;

export function DiffView(props: { lines: DiffLine[] | null; caption: string }) {
  if (!props.lines) return <p class="hint">The two versions are too far apart to compare line by line; both are shown whole.</p>;
  if (props.lines.every((line) => line.kind === "same")) return <p class="hint">The two versions are the same.</p>;
  return (
    <TableScroll label="Differences">
      <table class="diff">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Line</th>
          </tr>
        </thead>
        <tbody>
          {props.lines.map((line) => (
            <tr class={line.kind}>
              <td>
                <span aria-hidden="true">{MARK[line.kind]}</span>
                <span class="visually-hidden">{SAID[line.kind]}</span>
              </td>
              <td>
                {line.kind === "added" ? <ins>{line.text}</ins> : line.kind === "removed" ? <del>{line.text}</del> : line.text}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
