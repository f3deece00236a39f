#!/usr/bin/env node
/**
 * Browser audit for issue #8: Lighthouse (performance, accessibility, best practices, SEO) and
 * axe-core on the home page, an article, a section, a tag and an author page, in light and dark
 * mode. Not part of `npm test`: it needs a real Chromium and the audit tools installed outside the
 * repository, and a running site.
 *
 *   apt-get install -y chromium
 *   mkdir -p /tmp/audit && cd /tmp/audit && npm init -y && npm install lighthouse axe-core playwright-core
 *   PORT=8787 npm start &            # in the repository
 *   node tests/browser/audit.mjs [--base http://localhost:8787] [--rebuild] [--runs 3] [--desktop] [--shots DIR] [--only-shots] [path ...]
 *
 * Pages are prebuilt into KV when they are published, so a change to src/render/ shows only after
 * a rebuild: `--rebuild` makes one through the editors' API (an unchanged section update queues
 * "rebuild everything", then `POST /api/cron` applies it), with the token in EDITOR_TOKEN (default:
 * the development token).
 *
 * Environment: AUDIT_DIR (where the tools are installed, default /tmp/audit), CHROME_PATH
 * (default /usr/bin/chromium). Exits 1 unless every score is 100 and axe finds no violation.
 *
 * Dark mode: Lighthouse resets emulation between passes, so the colour scheme is set with the
 * Chromium flag `--blink-settings=preferredColorScheme=0` (0 dark, 1 light); the script checks with
 * Playwright that the flag really switches `prefers-color-scheme` before trusting it. axe-core runs
 * in Playwright with `colorScheme` emulation.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const AUDIT_DIR = process.env.AUDIT_DIR ?? "/tmp/audit";
const CHROME_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const require = createRequire(join(AUDIT_DIR, "package.json"));
const load = async (name, file) =>
  import(pathToFileURL(file ? join(AUDIT_DIR, "node_modules", name, file) : require.resolve(name)).href);

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const flag = (name) => {
  const i = args.indexOf(name);
  if (i === -1) return false;
  args.splice(i, 1);
  return true;
};
const base = (option("--base") ?? "http://localhost:8787").replace(/\/$/, "");
const shotsDir = option("--shots");
const desktop = flag("--desktop");
const onlyShots = flag("--only-shots");
const rebuild = flag("--rebuild");
// Lighthouse's performance score varies from run to run; its docs advise the median of several.
const runs = Number(option("--runs") ?? 3);
const paths = args.length
  ? args
  : ["/", "/articles/how-pages-are-published", "/sections/about-this-site", "/tags/publishing", "/authors/the-broadsheet-team"];

const SCHEMES = { light: 1, dark: 0 };
const chromeFlags = (mode) => [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  `--blink-settings=preferredColorScheme=${SCHEMES[mode]}`,
];

const { default: lighthouse } = await load("lighthouse", "core/index.js");
const { computeMedianRun } = await load("lighthouse", "core/lib/median-run.js");
const chromeLauncher = await load("chrome-launcher", "dist/index.js");
const { chromium } = require("playwright-core");
const axeSource = require("node:fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Checks that the Chromium flag really sets `prefers-color-scheme`, so the Lighthouse runs can trust it. */
async function checkSchemeFlag() {
  for (const mode of Object.keys(SCHEMES)) {
    const browser = await chromium.launch({ executablePath: CHROME_PATH, args: chromeFlags(mode).slice(1) });
    const page = await browser.newPage({ colorScheme: null });
    await page.goto(`${base}/`);
    const dark = await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await browser.close();
    if (dark !== (mode === "dark")) throw new Error(`--blink-settings did not give ${mode} mode`);
    console.log(`scheme flag ok: ${mode} -> prefers-color-scheme: ${dark ? "dark" : "light"}, body ${bg}`);
  }
}

/** Lighthouse `runs` times, a fresh browser each; the median performance score, the worst of the rest. */
async function runLighthouse(url, mode) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await withRetries(() => runLighthouseOnce(url, mode)));
  const median = computeMedianRun(results);
  const perfs = results.map((lhr) => score(lhr.categories.performance));
  const summary = summarise(median, results);
  // The median of the runs' performance scores (computeMedianRun picks its run by FCP and TTI).
  summary.scores.performance = [...perfs].sort((a, b) => a - b)[Math.floor(perfs.length / 2)];
  return { ...summary, perfs };
}

/** Lighthouse sometimes fails to record a trace on a busy machine (NO_NAVSTART): try again. */
async function withRetries(run, attempts = 3) {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (error) {
      if (i >= attempts) throw error;
      console.log(`  retrying after: ${error.message}`);
    }
  }
}

async function runLighthouseOnce(url, mode) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROME_PATH, chromeFlags: chromeFlags(mode) });
  try {
    const config = desktop ? (await load("lighthouse", "core/config/desktop-config.js")).default : undefined;
    const result = await lighthouse(
      url,
      {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
      },
      config,
    );
    const lhr = result.lhr;
    if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.message}`);
    return lhr;
  } finally {
    await chrome.kill();
  }
}

const score = (category) => Math.round((category.score ?? 0) * 100);

/** Each category's worst score over the runs, and every weighted audit the median run failed, for fixing. */
function summarise(median, results) {
  const scores = Object.fromEntries(
    Object.keys(median.categories).map((id) => [id, Math.min(...results.map((lhr) => score(lhr.categories[id])))]),
  );
  const failing = [];
  for (const category of Object.values(median.categories)) {
    for (const ref of category.auditRefs) {
      const audit = median.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
        failing.push(`${category.id}/${ref.id} (${audit.displayValue ?? audit.score})`);
      }
    }
  }
  return { scores, failing };
}

async function runAxe(browser, url, mode) {
  const context = await browser.newContext({ colorScheme: mode, viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(url);
  await page.addScriptTag({ content: axeSource });
  const wide = await page.evaluate(() => window.axe.run(document));
  await page.setViewportSize({ width: 320, height: 700 });
  const narrow = await page.evaluate(() => window.axe.run(document));
  await context.close();
  const violations = [...wide.violations, ...narrow.violations.filter((v) => !wide.violations.some((w) => w.id === v.id))];
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

function lighthouseVersion() {
  return require("lighthouse/package.json").version;
}

function axeVersion() {
  return require("axe-core/package.json").version;
}

async function screenshots(browser) {
  mkdirSync(shotsDir, { recursive: true });
  for (const path of paths.slice(0, 2)) {
    const name = path === "/" ? "home" : "article";
    for (const mode of Object.keys(SCHEMES)) {
      for (const width of [1280, 320]) {
        const context = await browser.newContext({ colorScheme: mode, viewport: { width, height: 900 } });
        const page = await context.newPage();
        await page.goto(base + path);
        const file = join(shotsDir, `${name}-${mode}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        console.log(`screenshot ${file}${overflow > 0 ? `  (horizontal overflow ${overflow}px!)` : ""}`);
        await context.close();
      }
    }
  }
}

/** Re-renders every prebuilt page and listing with the current render code. */
async function rebuildEverything() {
  const token = process.env.EDITOR_TOKEN ?? "broadsheet-dev-token-not-for-production";
  const api = async (method, path, body) => {
    const response = await fetch(`${base}/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} /api${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const { sections } = await api("GET", "/sections");
  if (!sections.length) throw new Error("--rebuild needs at least one section");
  await api("PUT", `/sections/${sections[0].slug}`, { name: sections[0].name });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await api("POST", "/cron");
  console.log(`rebuilt every page (through an unchanged update of section "${sections[0].slug}")`);
}

if (rebuild) await rebuildEverything();
await checkSchemeFlag();
const browser = await chromium.launch({ executablePath: CHROME_PATH, args: ["--no-sandbox"] });
const rows = [];
let ok = true;
for (const path of onlyShots ? [] : paths) {
  for (const mode of Object.keys(SCHEMES)) {
    const url = base + path;
    const lh = await runLighthouse(url, mode);
    const axe = await runAxe(browser, url, mode);
    const s = lh.scores;
    rows.push([path, mode, s.performance, lh.perfs.join(" "), s.accessibility, s["best-practices"], s.seo, axe.length]);
    if (Object.values(s).some((v) => v !== 100) || axe.length) ok = false;
    for (const f of lh.failing) console.log(`  ${path} ${mode} lighthouse: ${f}`);
    for (const v of axe) console.log(`  ${path} ${mode} axe: ${v}`);
  }
}
if (shotsDir) await screenshots(browser);
await browser.close();

const header = ["page", "mode", "perf", "perf per run", "a11y", "best-pr", "seo", "axe"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
console.log(
  `\nLighthouse ${lighthouseVersion()} ${desktop ? "desktop" : "mobile (default)"} preset, median of ${runs} run(s); axe-core ${axeVersion()} at 1280 and 320 px\n`,
);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
process.exit(ok ? 0 : 1);
