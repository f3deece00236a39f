/**
 * Pieces of FTS5's query syntax and of hostile text, for property tests to join into search
 * queries: operators, column filters, quotes, markup, emoji, a NUL, a lone surrogate, CJK.
 */
export const FTS_FRAGMENTS = [
  '"',
  "(",
  ")",
  "*",
  "^",
  "-",
  ":",
  "AND",
  "OR",
  "NOT",
  "NEAR",
  "NEAR(",
  "title:",
  "{body}",
  "<mark>",
  "</b>",
  "&amp;",
  "🎉",
  "\u0000",
  "\uD800",
  "北京",
  "%",
  "+",
  " ",
];
