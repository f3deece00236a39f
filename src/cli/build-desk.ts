/**
 * @module cli/build-desk
 * `npm run build:desk`: bundles the desk's browser code (src/newsroom/desk/client/) into the static assets
 * Workers serves at /desk/assets/. Wrangler runs it before `dev` and `deploy` (wrangler.toml,
 * `[build]`), and `npm test` before the tests. The output in dist/ is never committed.
 */
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "../..");
const CLIENT = join(ROOT, "src/newsroom/desk/client");
const OUT = join(ROOT, "dist/desk-assets");
const ASSETS = join(OUT, "desk/assets");

// Static assets skip the Worker, so their headers are set here: the desk is never cached, indexed
// or sniffed, whatever is in front of it.
const HEADERS = `/desk/assets/*
  Cache-Control: private, no-store
  X-Content-Type-Options: nosniff
  X-Robots-Tag: noindex, nofollow
`;

await rm(OUT, { recursive: true, force: true });
await mkdir(ASSETS, { recursive: true });
await build({
  entryPoints: [join(CLIENT, "desk.ts")],
  outfile: join(ASSETS, "desk.js"),
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  legalComments: "linked",
  logLevel: "warning",
});
await copyFile(join(CLIENT, "desk.css"), join(ASSETS, "desk.css"));
await writeFile(join(OUT, "_headers"), HEADERS);
