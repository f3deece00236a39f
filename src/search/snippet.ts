/**
 * @module search/snippet
 * FTS5's snippet() and highlight() output, made safe to show. FTS5 wraps each matched word in the
 * private-use markers of search/text.ts (which indexed text never contains) instead of HTML, so the
 * text around them stays plain text: it is cut into segments here, and each renderer escapes the
 * text and writes the `<mark>` itself.
 */
import { escapeHtml } from "../core/escape";
import { displayText, MARK_CLOSE, MARK_OPEN } from "./text";

/** A run of text, matched or not. */
export interface Segment {
  text: string;
  mark: boolean;
}

/**
 * Cuts marked text into segments, dropping the CJK separators and joining neighbouring matches
 * (a CJK word comes back one marked character at a time).
 * @example segmentsOf("a \uE000cat\uE001 sat") // [{ text: "a ", mark: false }, { text: "cat", mark: true }, { text: " sat", mark: false }]
 */
export function segmentsOf(marked: string): Segment[] {
  const segments: Segment[] = [];
  let mark = false;
  for (const piece of displayText(marked).split(/([\uE000\uE001])/)) {
    if (piece === MARK_OPEN) mark = true;
    else if (piece === MARK_CLOSE) mark = false;
    else if (piece) {
      const last = segments.at(-1);
      if (last && last.mark === mark) last.text += piece;
      else segments.push({ text: piece, mark });
    }
  }
  return segments;
}

/** Whether any segment is a match. */
export const hasMark = (segments: readonly Segment[]): boolean => segments.some((segment) => segment.mark);

/** The segments as plain text. */
export const plainOf = (segments: readonly Segment[]): string => segments.map((segment) => segment.text).join("");

/**
 * The segments as HTML: text escaped, matches in `<mark>` (for the JSON API; pages use hono/jsx).
 * @example htmlOf([{ text: "<b>", mark: false }, { text: "cat", mark: true }]) // "&lt;b&gt;<mark>cat</mark>"
 */
export const htmlOf = (segments: readonly Segment[]): string =>
  segments.map(({ text, mark }) => (mark ? `<mark>${escapeHtml(text)}</mark>` : escapeHtml(text))).join("");
