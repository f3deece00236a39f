/**
 * @module cli/scrape/title
 * Finding the headline among the lines no rule claimed, by scoring each candidate rather than taking
 * the first line: a headline is of headline length, capitalised, near the top, does not end like a
 * sentence, and is often printed twice (in the page's header and again above the story).
 */
import type { Line } from "./types";

/** Only lines this near the top are candidates: the story's paragraphs follow the headline. */
export const TITLE_WINDOW = 8;
const MIN_TITLE = 12;
const MAX_TITLE = 200;

/** One score's parts, each a small rule, so that the report can say why a line won. */
const SCORES: readonly { what: string; score: (text: string, index: number, repeats: number) => number }[] = [
  { what: "length", score: (t) => (t.length >= 25 && t.length <= 140 ? 3 : t.length < 25 ? 1 : 0) },
  {
    what: "case",
    score: (t) => {
      if (/^\p{Ll}/u.test(t)) return -3;
      if (t === t.toUpperCase() && /\p{Lu}{4}/u.test(t)) return -1;
      const words = t.split(/\s+/).filter((w) => w.length >= 4);
      const capitalised = words.filter((w) => /^\p{Lu}/u.test(w)).length;
      return words.length > 0 && capitalised / words.length >= 0.6 ? 2 : 1;
    },
  },
  // A sentence's full stop, or a label's colon, marks a line that is not a headline.
  { what: "ending", score: (t) => (/[^.]\.$|:$/.test(t) ? -3 : 0) },
  { what: "commas", score: (t) => ((t.match(/,/g)?.length ?? 0) >= 3 || t.split(/\s+/).length > 30 ? -2 : 0) },
  { what: "position", score: (_t, index) => Math.max(0, 3 - index * 0.5) },
  { what: "repeated", score: (_t, _i, repeats) => (repeats > 0 ? 4 : 0) },
];

export interface TitleChoice {
  /** The index of the chosen line among the candidates. */
  index: number;
  score: number;
  why: string;
}

/**
 * Scores one candidate line: higher is more like a headline; undefined when it cannot be one.
 * @example titleScore("Floods Cut Off Villages in Kerala", 0, 1) // { score: 12, why: "length +3, case +2, position +3, repeated +4" }
 */
export function titleScore(text: string, index: number, repeats: number): { score: number; why: string } | undefined {
  if (text.length < MIN_TITLE || text.length > MAX_TITLE || !/\p{L}/u.test(text)) return undefined;
  const parts = SCORES.map(({ what, score }) => [what, score(text, index, repeats)] as const).filter(([, s]) => s !== 0);
  const score = parts.reduce((sum, [, s]) => sum + s, 0);
  return { score, why: parts.map(([what, s]) => `${what} ${s > 0 ? "+" : ""}${s}`).join(", ") };
}

/**
 * Chooses the headline among the first unclaimed lines; `all` is every unclaimed line, to count repeats.
 * @example chooseTitle([{ line: 1, text: "City" }, { line: 2, text: "Floods Cut Off Villages" }]) // { index: 1, ... }
 */
export function chooseTitle(candidates: readonly Line[], all: readonly Line[] = candidates): TitleChoice | undefined {
  let best: TitleChoice | undefined;
  for (const [index, { text }] of candidates.slice(0, TITLE_WINDOW).entries()) {
    const lower = text.toLowerCase();
    const repeats = all.filter((other) => other.text.toLowerCase() === lower).length - 1;
    const scored = titleScore(text, index, repeats);
    if (scored && (!best || scored.score > best.score)) best = { index, ...scored };
  }
  return best;
}
