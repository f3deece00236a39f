/**
 * The layer rule, checked by `npm run lint:layers` (part of `npm test`).
 *
 *   L0  src/core/                         pure: imports only itself and npm packages
 *   L1  src/targets/ src/feeds/ src/render/ src/media/ src/cache/     L0 and each other
 *   D   src/data/      every SQL statement, one module per group of tables: L0 and itself only
 *   L2  src/editorial/  src/readmodel/  src/search/                   L0–L1 and itself, never each other;
 *       editorial may import src/data/, search only src/data/search.ts and sql.ts (the reader's path)
 *   L3  src/pipeline/                                                 L0–L2 and itself
 *   L4  src/reader/   never editorial, pipeline, newsroom or the editorial database's data modules,
 *                     not even through another module
 *       src/newsroom/ never the reader
 *
 * Imports point down and never close a circle. `.prepare(` outside src/data/ is refused by a test
 * (tests/unit/data-layer.test.ts), since an import rule cannot see a call. src/cli (Node tools), the desk's browser script and
 * the generated *.d.ts are outside the Workers and not checked; tests may import anything.
 * docs/architecture.md explains the layers.
 */

/** Every layer's folder, as a path pattern. */
const L0 = "^src/core/";
const L1 = "^src/(targets|feeds|render|media|cache)/";
const DATA = "^src/data/";
/** The data modules the reader may reach: the search database's statements and the SQL helper. */
const SEARCH_DATA = "^src/data/(search|sql)\\.ts$";

/** A rule that `from` may import nothing under src/ except `allowed` (npm packages are not limited). */
const onlyImports = (name, comment, from, allowed) => ({
  name,
  comment,
  severity: "error",
  from: { path: from },
  to: { path: "^src/", pathNot: allowed },
});

/**
 * Packages the reader Worker must not carry: the newsroom's Markdown, YAML, sanitizer, JWT, diff,
 * slug tables, date parser and DOM. Each would grow the reader's bundle and its cold start.
 */
const NEWSROOM_PACKAGES = [
  "js-yaml",
  "marked",
  "xss",
  "jose",
  "diff",
  "@sindresorhus/slugify",
  "chrono-node",
  "linkedom",
  "@mozilla/readability",
  "overtype",
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A circle makes two modules one; split out what both need.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    onlyImports("core-is-pure", "src/core (L0) imports only itself.", L0, [L0]),
    onlyImports("formats-import-core", "targets, feeds, render, media and cache (L1) import only core and each other.", L1, [
      L0,
      L1,
    ]),
    onlyImports("data-imports-core", "src/data (the SQL of every table) imports only core and itself.", DATA, [L0, DATA]),
    {
      name: "search-data-has-no-valibot",
      comment:
        "The search database's module is on the reader's path, whose bundle must stay small: its rows are checked with core/fields.ts, never valibot.",
      severity: "error",
      from: { path: SEARCH_DATA },
      to: { path: "node_modules/valibot/", reachable: true },
    },
    onlyImports(
      "editorial-imports-below",
      "src/editorial (L2) imports L0–L1, the data layer and itself; the system of record, the read model and the search index never import each other.",
      "^src/editorial/",
      [L0, L1, DATA, "^src/editorial/"],
    ),
    onlyImports(
      "readmodel-imports-below",
      "src/readmodel (L2) imports L0–L1 and itself: the read model is KV, never D1.",
      "^src/readmodel/",
      [L0, L1, "^src/readmodel/"],
    ),
    onlyImports(
      "search-imports-below",
      "src/search (L2) imports L0–L1, the search database's data module and itself; never the editorial tables' modules.",
      "^src/search/",
      [L0, L1, SEARCH_DATA, "^src/search/"],
    ),
    onlyImports(
      "pipeline-imports-below",
      "src/pipeline (L3) imports L0–L2 and itself, never the Workers' routes.",
      "^src/pipeline/",
      [L0, L1, DATA, "^src/(editorial|readmodel|search)/", "^src/pipeline/"],
    ),
    {
      name: "reader-has-no-newsroom",
      comment:
        "The reader Worker holds no keys to the newsroom: nothing it imports, directly or through another module, may reach the system of record (its modules or its tables' data modules), the pipeline or the newsroom Worker. Of src/data/ it may reach only the search database's module.",
      severity: "error",
      from: { path: "^src/reader/" },
      to: { path: ["^src/(editorial|pipeline|newsroom)/", DATA], pathNot: SEARCH_DATA, reachable: true },
    },
    {
      name: "reader-carries-one-language",
      comment:
        "The reader's bundle carries the interface text in English only (core/interface-text-en.ts): the other languages are rendered at publish time, and its on-request pages read their edition's text from KV (docs/editions.md).",
      severity: "error",
      from: { path: "^src/reader/" },
      to: { path: "^src/core/interface-text\\.ts$", reachable: true },
    },
    {
      name: "reader-carries-no-newsroom-packages",
      comment: `The reader Worker's bundle must not carry the newsroom's packages (${NEWSROOM_PACKAGES.join(", ")}), directly or through another module.`,
      severity: "error",
      from: { path: "^src/reader/" },
      to: {
        path: `node_modules/(${NEWSROOM_PACKAGES.map((name) => name.replace(/[/.]/g, "\\$&")).join("|")})/`,
        reachable: true,
      },
    },
    {
      name: "newsroom-not-reader",
      comment: "The newsroom Worker reaches the reader only over its service binding (RPC), never by import.",
      severity: "error",
      from: { path: "^src/newsroom/" },
      to: { path: "^src/reader/" },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing: a typo, or a package missing from package.json.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true, pathNot: "^cloudflare:" },
    },
  ],
  options: {
    // src/cli runs in Node, the desk's client script in the browser; *.d.ts are generated types.
    exclude: { path: ["^src/cli/", "^src/newsroom/desk/client/", "^src/.*\\.d\\.ts$"] },
    doNotFollow: { path: "node_modules" },
    // Type-only imports count too: a layer's types belong to it as much as its functions do.
    // (dependency-cruiser parses with TypeScript 6: see .dependency-cruiser-typescript.mjs.)
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      // Resolve a package as wrangler's bundler does for workerd, to the code the Worker carries.
      conditionNames: ["workerd", "worker", "browser", "import", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
