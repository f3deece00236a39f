/**
 * @module newsroom/desk/diff
 * Line diffs between two versions of an article (as files: frontmatter, then Markdown), for the
 * conflict page and the history. Uses the `diff` package (jsdiff), the Myers algorithm.
 */
import { diffLines } from "diff";

export interface DiffLine {
  kind: "same" | "added" | "removed";
  text: string;
}

/** Unchanged runs longer than this are shortened to their ends, with a count between. */
const CONTEXT_LINES = 3;
/** A diff that takes longer than this is given up: the page then shows both versions whole. */
const DIFF_TIMEOUT_MS = 500;

/**
 * The lines of `before` and `after`, marked as kept, added or removed; null when the two are too
 * far apart to compare in time.
 * @example lineDiff("a\nb\n", "a\nc\n") // [{ kind: "same", text: "a" }, { kind: "removed", text: "b" }, { kind: "added", text: "c" }]
 */
export function lineDiff(before: string, after: string): DiffLine[] | null {
  const changes = diffLines(before, after, { timeout: DIFF_TIMEOUT_MS });
  if (!changes) return null;
  const lines: DiffLine[] = [];
  for (const change of changes) {
    const kind: DiffLine["kind"] = change.added ? "added" : change.removed ? "removed" : "same";
    const texts = change.value.replace(/\n$/, "").split("\n");
    if (kind === "same" && texts.length > CONTEXT_LINES * 2 + 1) {
      lines.push(...texts.slice(0, CONTEXT_LINES).map((text) => ({ kind, text })));
      lines.push({ kind, text: `… ${texts.length - CONTEXT_LINES * 2} unchanged lines …` });
      lines.push(...texts.slice(-CONTEXT_LINES).map((text) => ({ kind, text })));
    } else {
      lines.push(...texts.map((text) => ({ kind, text })));
    }
  }
  return lines;
}
