/**
 * @module cli/deploy
 * `npm run deploy -- [--first] [--dry-run]`
 *
 * Deploys both Workers in the order their bindings need (`npm run deploy` builds the desk's assets
 * first): the newsroom (wrangler.newsroom.toml), then the reader (wrangler.toml), whose NEWSROOM
 * service binding names the newsroom. Cloudflare refuses to deploy a Worker whose service binding
 * names a Worker that does not exist yet (API error 10143), and the newsroom binds the reader too
 * (READER, to purge the reader's cache), so the first deploy of a site, `--first`, puts up a
 * placeholder reader before the newsroom; the real reader replaces it a moment later.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(import.meta.dirname, "../..");

const USAGE = `Usage: npm run deploy -- [--first] [--dry-run]

  Deploys the newsroom Worker (wrangler.newsroom.toml), then the reader (wrangler.toml).
  --first     the site's first deploy: a placeholder reader goes up first, since each Worker
              binds the other and Cloudflare refuses a binding to a Worker that does not exist
  --dry-run   bundle and check both Workers without uploading anything
  See docs/deploying.md.`;

/** One command of the deploy, run from the project's root unless it names its own folder. */
export interface DeployStep {
  /** What the step deploys, for messages. */
  what: string;
  args: string[];
  cwd?: string;
}

/** The reader's name and compatibility date, from the top of wrangler.toml. */
export function readerIdentity(toml: string): { name: string; compatibilityDate: string } {
  const name = /^name\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!name || !compatibilityDate) throw new Error("wrangler.toml must set name and compatibility_date at its top");
  return { name, compatibilityDate };
}

/** The placeholder reader: it answers every request with 503 until the real reader replaces it. */
export const PLACEHOLDER_SCRIPT = `export default {
  fetch: () => new Response("Broadsheet is being deployed.\\n", { status: 503, headers: { "Retry-After": "60" } }),
};
`;

/**
 * The wrangler commands, in order.
 * @example deployPlan({ first: false, dryRun: false }) // the newsroom, then the reader
 */
export function deployPlan(options: {
  first: boolean;
  dryRun: boolean;
  /** Where the placeholder's script is written (`--first` only). */
  placeholderDir?: string;
  reader?: { name: string; compatibilityDate: string };
}): DeployStep[] {
  const dry = options.dryRun ? ["--dry-run"] : [];
  const steps: DeployStep[] = [];
  if (options.first) {
    if (!options.placeholderDir || !options.reader)
      throw new Error("--first needs the placeholder's folder and the reader's name");
    steps.push({
      what: `a placeholder for the reader (${options.reader.name})`,
      // Its own folder and no configuration, so none of wrangler.toml's bindings come with it.
      args: [
        "deploy",
        "placeholder.js",
        "--name",
        options.reader.name,
        "--compatibility-date",
        options.reader.compatibilityDate,
        ...dry,
      ],
      cwd: options.placeholderDir,
    });
  }
  steps.push({ what: "the newsroom (wrangler.newsroom.toml)", args: ["deploy", "-c", "wrangler.newsroom.toml", ...dry] });
  steps.push({ what: "the reader (wrangler.toml)", args: ["deploy", "-c", "wrangler.toml", ...dry] });
  return steps;
}

/** Runs one step; resolves its exit code. Tests pass their own. */
export type StepRunner = (step: DeployStep) => number;

const runWrangler: StepRunner = (step) => {
  const result = spawnSync(join(ROOT, "node_modules/.bin/wrangler"), step.args, {
    cwd: step.cwd ?? ROOT,
    stdio: "inherit",
  });
  return result.status ?? 1;
};

/** Runs the plan, stopping at the first step that fails. Resolves the exit code. */
export function runPlan(steps: DeployStep[], run: StepRunner, log: (line: string) => void): number {
  for (const [i, step] of steps.entries()) {
    log(`\n▶ Deploying ${step.what}: wrangler ${step.args.join(" ")}`);
    const code = run(step);
    if (code !== 0) {
      const done = steps.slice(0, i).map((s) => s.what);
      log(
        `\nDeploying ${step.what} failed (exit ${code}).` +
          (done.length ? ` Already deployed: ${done.join("; ")}.` : " Nothing was deployed.") +
          " Fix the problem and run npm run deploy again; each step is safe to repeat.",
      );
      return code;
    }
  }
  return 0;
}

export function main(args: string[], run: StepRunner = runWrangler, log: (line: string) => void = console.log): number {
  let values: { first: boolean; "dry-run": boolean; help: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        first: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    log(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    log(USAGE);
    return 0;
  }
  if (!values.first) return runPlan(deployPlan({ first: false, dryRun: values["dry-run"] }), run, log);
  const placeholderDir = mkdtempSync(join(tmpdir(), "broadsheet-placeholder-"));
  try {
    writeFileSync(join(placeholderDir, "placeholder.js"), PLACEHOLDER_SCRIPT);
    const reader = readerIdentity(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
    return runPlan(deployPlan({ first: true, dryRun: values["dry-run"], placeholderDir, reader }), run, log);
  } finally {
    rmSync(placeholderDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(main(process.argv.slice(2)));
}
