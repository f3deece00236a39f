/**
 * @module cli/scrape/near-duplicates
 * Paragraphs that nearly repeat earlier ones, found by word-shingle containment.
 */

/** Word n-grams ("shingles") are compared, so that a reworded word only changes the few phrases around it. */
const SHINGLE_WORDS = 3;
const MIN_SHINGLES = 6;
/** The share of a paragraph's phrases that must appear earlier for it to count as a near-duplicate. */
export const NEAR_DUPLICATE_THRESHOLD = 0.75;
// A second earlier paragraph must add at least this much cover to count as a source of a combination.
const MIN_SECOND_SOURCE_SHARE = 0.15;

export interface NearDuplicateMatch {
  /** Index of the later paragraph. */
  index: number;
  /** Indexes of the earlier paragraph or paragraphs it repeats. */
  earlier: number[];
  /** How the later paragraph relates to the earlier ones. */
  relation: "repeats" | "combines" | "contains";
  /** The share (0–1) of the repeating paragraph's three-word phrases found in the other(s). */
  similarity: number;
}

/**
 * Finds paragraphs that nearly repeat earlier ones, by word-shingle containment: the share of a
 * paragraph's three-word phrases that also appear earlier. It catches a paragraph that repeats one with
 * small changes, one that is mostly two earlier ones run together, and one that contains an earlier one whole.
 * Exact repeats should be removed first; they would be reported here as `repeats` with similarity 1.
 * @example
 * findNearDuplicates([a, b, `${a} ${b}`]) // [{ index: 2, earlier: [0, 1], relation: "combines", similarity: 0.9 }]
 */
export function findNearDuplicates(
  paragraphs: readonly string[],
  threshold: number = NEAR_DUPLICATE_THRESHOLD,
): NearDuplicateMatch[] {
  const shingleSets = paragraphs.map(shingles);
  const matches: NearDuplicateMatch[] = [];
  for (const [index, own] of shingleSets.entries()) {
    if (own.size < MIN_SHINGLES || index === 0) continue;
    const earlier = shingleSets.slice(0, index);
    const [first, firstShare] = bestSource(own, earlier, []);
    if (first < 0) continue;
    if (firstShare >= threshold) {
      matches.push({ index, earlier: [first], relation: "repeats", similarity: round(firstShare) });
      continue;
    }
    const [second, bothShare] = bestSource(own, earlier, [first]);
    if (second >= 0 && bothShare >= threshold && bothShare - firstShare >= MIN_SECOND_SOURCE_SHARE) {
      const sources = [first, second].sort((a, b) => a - b);
      matches.push({ index, earlier: sources, relation: "combines", similarity: round(bothShare) });
      continue;
    }
    const contained = earlier
      .map((set, i) => [i, set.size >= MIN_SHINGLES ? coverage(set, [own]) : 0] as const)
      .sort((a, b) => b[1] - a[1])[0];
    if (contained && contained[1] >= threshold) {
      matches.push({ index, earlier: [contained[0]], relation: "contains", similarity: round(contained[1]) });
    }
  }
  return matches;
}

/** The earlier paragraph that, added to `chosen`, covers most of `own`; and the share covered then. */
function bestSource(own: Set<string>, earlier: readonly Set<string>[], chosen: readonly number[]): [number, number] {
  let best: [number, number] = [-1, 0];
  for (const [i, set] of earlier.entries()) {
    if (chosen.includes(i)) continue;
    const share = coverage(own, [...chosen.map((c) => earlier[c] as Set<string>), set]);
    if (share > best[1]) best = [i, share];
  }
  return best;
}

/** The share of `target`'s shingles that appear in any of `sources`. */
function coverage(target: Set<string>, sources: readonly Set<string>[]): number {
  if (target.size === 0) return 0;
  let found = 0;
  for (const shingle of target) if (sources.some((source) => source.has(shingle))) found++;
  return found / target.size;
}

function shingles(text: string): Set<string> {
  const words =
    text
      .toLowerCase()
      .replace(/[’‘]/g, "'")
      .match(/[\p{L}\p{N}]+(?:'\p{L}+)*/gu) ?? [];
  const set = new Set<string>();
  if (words.length > 0 && words.length < SHINGLE_WORDS) set.add(words.join(" "));
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) set.add(words.slice(i, i + SHINGLE_WORDS).join(" "));
  return set;
}

function round(share: number): number {
  return Math.round(share * 100) / 100;
}
