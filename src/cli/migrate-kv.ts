/**
 * @module cli/migrate-kv
 * `npm run migrate-kv -- [--site URL]`: moves a site whose articles are only in KV (the layout
 * before D1) into the editorial database, through the editors' API, a batch at a time until none
 * is left. Safe to run again. The token comes from BROADSHEET_TOKEN.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { describeProblems } from "../core/schema";
import { assertSafeSite, DEFAULT_SITE } from "./publish";

interface Report {
  migrated: string[];
  unchanged: string[];
  failed: Array<{ slug: string; problems: Array<{ field: string; problem: string }> }>;
  remaining: number;
}

/** Calls the migration until nothing is left or a batch makes no progress; returns the exit code. */
export async function migrateKv(site: string, token: string, log: (line: string) => void): Promise<number> {
  assertSafeSite(new URL(site));
  const url = new URL("/api/migrate-kv", site).toString();
  let failed = 0;
  for (;;) {
    const response = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) {
      log(`✗ ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      return 1;
    }
    const report = (await response.json()) as Report;
    for (const slug of report.migrated) log(`+ ${slug}: now in D1`);
    for (const slug of report.unchanged) log(`= ${slug}: already in D1`);
    for (const f of report.failed) log(`✗ ${f.slug}: ${describeProblems(f.problems)}`);
    failed = report.failed.length;
    if (report.remaining === 0 || report.remaining <= failed || report.migrated.length + report.unchanged.length === 0) break;
  }
  log(failed ? `\n${failed} article(s) could not be migrated; they stay in KV untouched.` : "\nEvery article is in D1.");
  return failed ? 1 : 0;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { site: { type: "string", default: DEFAULT_SITE } } });
  const token = process.env.BROADSHEET_TOKEN;
  if (!token) {
    console.error("BROADSHEET_TOKEN is not set: export the editor token first.");
    return 2;
  }
  return migrateKv(values.site, token, (line) => console.log(line));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`migrate-kv failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
