/**
 * @module cli/redirects
 * `npm run redirects -- import FILE.csv [--site URL] [--dry-run] [--json]`
 *
 * Loads redirects from a CSV file (`from,to` on each line; a header line naming them is skipped)
 * into a site, through `PUT /api/redirects` in requests of 1,000. Every line is checked first with
 * the Worker's own rules (targets/redirects.ts), so a bad line is reported with its line number and
 * nothing of the file is sent until every line is good. The token comes from BROADSHEET_TOKEN.
 */
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";
import { checkFrom, checkTo, MAX_REDIRECTS_PER_REQUEST, type Redirect } from "../targets/redirects";
import { DEFAULT_SITE } from "./publish";
import { ApiFailure, type SiteApi, siteApi } from "./site-api";

const USAGE = `Usage: npm run redirects -- import FILE.csv [--site URL] [--dry-run] [--json]

  FILE.csv    one redirect a line: from,to (a header line "from,to" is skipped)
              from: a path on the site (/2019/03/old-post/, /?p=123); to: a path or an http(s) URL
  --site URL  the site (default: ${DEFAULT_SITE})
  --dry-run   check every line; send nothing
  --json      print the report as JSON
  The editor token is read from the BROADSHEET_TOKEN environment variable.`;

export interface CsvProblem {
  line: number;
  field: string;
  problem: string;
}

/** The redirects of a CSV file, each checked, with the line it came from. */
export function readRedirectsCsv(
  text: string,
  siteUrl: string,
): { redirects: Array<Redirect & { line: number }>; problems: CsvProblem[] } {
  const problems: CsvProblem[] = [];
  const redirects: Array<Redirect & { line: number }> = [];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return { redirects, problems: [{ line, field: "file", problem: `is not valid CSV: ${(error as Error).message}` }] };
  }
  const seen = new Map<string, number>();
  for (const [index, { record, info }] of records.entries()) {
    const line = info.lines;
    if (index === 0 && record[0]?.toLowerCase() === "from" && record[1]?.toLowerCase() === "to") continue;
    if (record.length < 2) {
      problems.push({ line, field: "line", problem: "needs two columns: from,to" });
      continue;
    }
    const from = checkFrom(record[0], siteUrl);
    const to = checkTo(record[1], siteUrl);
    if (!from.ok) problems.push({ line, field: "from", problem: from.problem });
    if (!to.ok) problems.push({ line, field: "to", problem: to.problem });
    if (from.ok && seen.has(from.value)) problems.push({ line, field: "from", problem: `repeats line ${seen.get(from.value)}` });
    if (from.ok) seen.set(from.value, line);
    if (from.ok && to.ok) redirects.push({ from: from.value, to: to.value, line });
  }
  return { redirects, problems };
}

export interface RedirectsReport {
  read: number;
  sent: number;
  changed: number;
  problems: CsvProblem[];
}

/** Sends checked redirects in requests of 1,000; a refused request is reported by the lines it held. */
export async function sendRedirects(api: SiteApi, redirects: Array<Redirect & { line: number }>): Promise<RedirectsReport> {
  const report: RedirectsReport = { read: redirects.length, sent: 0, changed: 0, problems: [] };
  for (let i = 0; i < redirects.length; i += MAX_REDIRECTS_PER_REQUEST) {
    const part = redirects.slice(i, i + MAX_REDIRECTS_PER_REQUEST);
    try {
      const stored = await api.putRedirects(part.map(({ from, to }) => ({ from, to })));
      report.sent += part.length;
      report.changed += stored.changed;
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      const named = error.details.flatMap((d) => {
        const match = /^\[(\d+)\]\.?(\w*)$/.exec(d.field);
        const at = match ? part[Number(match[1])] : undefined;
        return at ? [{ line: at.line, field: match?.[2] || "line", problem: d.problem }] : [];
      });
      report.problems.push(...(named.length ? named : [{ line: part[0]?.line ?? 0, field: "request", problem: error.message }]));
    }
  }
  return report;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      site: { type: "string", default: DEFAULT_SITE },
      "dry-run": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, file, ...extra] = positionals;
  if (values.help || command !== "import" || file === undefined || extra.length) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  const token = process.env.BROADSHEET_TOKEN;
  if (!values["dry-run"] && !token) {
    console.error("BROADSHEET_TOKEN is not set: export the editor token first (see docs/publishing.md).");
    return 2;
  }
  const { redirects, problems } = readRedirectsCsv(await readFile(file, "utf8"), values.site);
  let report: RedirectsReport = { read: redirects.length, sent: 0, changed: 0, problems };
  if (!problems.length && !values["dry-run"] && token) {
    report = await sendRedirects(siteApi({ site: values.site, token }), redirects);
  }
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    for (const p of report.problems) console.log(`✗ ${file}:${p.line}: ${p.field} ${p.problem}`);
    console.log(
      values["dry-run"] || problems.length
        ? `${redirects.length} redirects read, ${problems.length} problems; nothing sent${values["dry-run"] ? " (dry run)" : ""}`
        : `${report.sent} of ${report.read} redirects sent to ${values.site}, ${report.changed} rows changed`,
    );
  }
  return report.problems.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`redirects failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
