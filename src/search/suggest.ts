/**
 * @module search/suggest
 * "Did you mean": a nearby spelling for a search that found nothing, taken from the index's own
 * vocabulary (the fts5vocab table `entries_vocab`), so a suggestion is always a word that is in
 * some article. Cheap by construction: only for a search with no results, and each word looked up
 * by equality: itself and every spelling one edit away (a few hundred look-ups in one statement).
 * fts5vocab counts a term's documents as it reads it, so a scan of a range of terms would cost a
 * read of their whole posting lists; only a longer word that nothing one edit away matches gets
 * that scan, over the terms sharing its first two letters, for spellings two edits away.
 */

import { knownWords, termsBetween } from "../data/search";
import type { QueryTerm } from "./query";
import { hasCjk } from "./text";

/** Words of one search that are looked up at most. */
const MAX_WORDS_CHECKED = 6;
/** Shorter words are left as typed: too many words are one edit from them. */
const MIN_WORD_LENGTH = 3;
/** Candidates one range lookup reads at most. */
const MAX_CANDIDATES = 2000;
/** Longer words are left as typed: their one-edit spellings would be too many to look up. */
const MAX_WORD_LENGTH = 24;
const LATIN = "abcdefghijklmnopqrstuvwxyz";

/**
 * The word and every spelling one edit from it (a letter left out, added, changed, or two
 * swapped), over a–z and the word's own letters.
 * @example oneEditAway("teh").includes("the") // true
 */
export function oneEditAway(word: string): string[] {
  const chars = [...word];
  const alphabet = [...new Set([...LATIN, ...chars])];
  const out = new Set<string>([word]);
  for (let i = 0; i <= chars.length; i++) {
    const head = chars.slice(0, i).join("");
    const rest = chars.slice(i);
    const tail = rest.slice(1).join("");
    if (rest.length) out.add(head + tail);
    if (rest.length > 1) out.add(head + (rest[1] ?? "") + (rest[0] ?? "") + rest.slice(2).join(""));
    for (const letter of alphabet) {
      if (rest.length) out.add(head + letter + tail);
      out.add(head + letter + rest.join(""));
    }
  }
  return [...out];
}

/**
 * The optimal string alignment distance (Levenshtein with transpositions) between `a` and `b`, or
 * `max + 1` as soon as it must exceed `max`.
 * @example editDistance("teh", "the", 2) // 1
 */
export function editDistance(a: string, b: string, max: number): number {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > max) return max + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, (beforePrevious[j - 2] ?? 0) + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    beforePrevious = previous;
    previous = row;
  }
  return previous[t.length] ?? max + 1;
}

/** Edits allowed between a word and its suggestion: one for short words, two for longer. */
const allowedEdits = (word: string): number => ([...word].length <= 4 ? 1 : 2);

/**
 * The best replacement for `word` among `candidates` (vocabulary terms with how many documents
 * hold them): the fewest edits, then the most documents. Null when none is near enough.
 * @example closestWord("goverment", [{ term: "government", doc: 40 }, { term: "governed", doc: 3 }]) // "government"
 */
export function closestWord(word: string, candidates: ReadonlyArray<{ term: string; doc: number }>): string | null {
  const max = allowedEdits(word);
  let best: { term: string; distance: number; doc: number } | null = null;
  for (const { term, doc } of candidates) {
    if (term === word) continue;
    const distance = editDistance(word, term, max);
    if (distance > max) continue;
    if (!best || distance < best.distance || (distance === best.distance && doc > best.doc)) best = { term, distance, doc };
  }
  return best?.term ?? null;
}

/**
 * A query like the reader's with misspelt words replaced by the index's nearest ones, written as
 * a query (phrases quoted, exclusions kept), or null when no word could be improved.
 */
export async function suggestSpelling(db: D1Database, terms: readonly QueryTerm[]): Promise<string | null> {
  const checked = [
    ...new Set(
      terms
        .filter((term) => !term.exclude)
        .flatMap((term) => term.words)
        .filter((word) => [...word].length >= MIN_WORD_LENGTH && [...word].length <= MAX_WORD_LENGTH && !hasCjk(word)),
    ),
  ].slice(0, MAX_WORDS_CHECKED);
  if (checked.length === 0) return null;
  const nearby = await knownWords(db, checked.map(oneEditAway));
  const replacements = new Map<string, string>();
  const further: string[] = [];
  checked.forEach((word, i) => {
    const candidates = nearby[i] ?? [];
    if (candidates.some((candidate) => candidate.term === word)) return; // The index knows it as typed.
    const closest = closestWord(word, candidates);
    if (closest) replacements.set(word, closest);
    else if (allowedEdits(word) > 1) further.push(word);
  });
  if (further.length) {
    // Two edits away: the terms that share the word's first two letters and nearly its length.
    const ranges = await termsBetween(
      db,
      further.map((word) => {
        const prefix = [...word].slice(0, 2).join("");
        const length = [...word].length;
        return { from: prefix, to: `${prefix}\uFFFF`, shortest: length - 2, longest: length + 2 };
      }),
      MAX_CANDIDATES,
    );
    further.forEach((word, i) => {
      const closest = closestWord(word, ranges[i] ?? []);
      if (closest) replacements.set(word, closest);
    });
  }
  if (replacements.size === 0) return null;
  return terms
    .map((term) => {
      const text = term.words.map((word) => replacements.get(word) ?? word).join(" ");
      return `${term.exclude ? "-" : ""}${term.quoted ? `"${text}"` : text}`;
    })
    .join(" ");
}
