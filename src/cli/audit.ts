/**
 * @module cli/audit
 * `npm run audit -- --site URL [--since DATE] [--person ID] [--article SLUG] [--action NAME]`
 *
 * Writes the audit log (`GET /api/audit`, admins only) to standard output as JSON Lines, one entry
 * a line, newest first, following the API's cursor page by page. The token comes from
 * BROADSHEET_TOKEN, as for `npm run publish`.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { assertSafeSite, DEFAULT_SITE } from "./publish";

const USAGE = `Usage: npm run audit -- [--site URL] [--since DATE] [--person ID] [--article SLUG] [--action NAME]

  --site URL      the site whose audit log to read (default: ${DEFAULT_SITE})
  --since DATE    entries at or after this ISO 8601 date or time, like 2026-12-01
  --person ID     one person's entries (a person's id, or token:<name> for a bootstrap token)
  --article SLUG  one article's entries
  --action NAME   one kind of entry, like approved or role-changed
  The admin token is read from the BROADSHEET_TOKEN environment variable. Output: JSON Lines.`;

export interface AuditOptions {
  site: string;
  token: string;
  filters: Record<string, string>;
  fetch?: (url: URL, init?: RequestInit) => Promise<Response>;
  write: (line: string) => void;
}

/** Writes every entry that matches, a page at a time; resolves how many. */
export async function exportAudit(options: AuditOptions): Promise<number> {
  const site = new URL(options.site);
  assertSafeSite(site);
  const fetcher = options.fetch ?? ((url: URL, init?: RequestInit) => fetch(url, init));
  let cursor: string | null = null;
  let written = 0;
  do {
    const url = new URL("/api/audit", site);
    for (const [key, value] of Object.entries(options.filters)) url.searchParams.set(key, value);
    url.searchParams.set("limit", "500");
    if (cursor) url.searchParams.set("cursor", cursor);
    const response = await fetcher(url, { headers: { Authorization: `Bearer ${options.token}`, Accept: "application/json" } });
    if (!response.ok) throw new Error(`GET ${url.pathname}${url.search} answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { entries: unknown[]; next: string | null };
    for (const entry of page.entries) {
      options.write(JSON.stringify(entry));
      written++;
    }
    cursor = page.next;
  } while (cursor);
  return written;
}

/** The command: resolves its exit code. */
export async function main(args: string[], env = process.env): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        site: { type: "string", default: DEFAULT_SITE },
        since: { type: "string" },
        person: { type: "string" },
        article: { type: "string" },
        action: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const token = env.BROADSHEET_TOKEN;
  if (!token) {
    console.error("BROADSHEET_TOKEN is not set: export an admin's token first (see docs/permissions.md).");
    return 1;
  }
  const filters: Record<string, string> = {};
  for (const key of ["since", "person", "article", "action"]) {
    const value = values[key];
    if (typeof value === "string") filters[key] = value;
  }
  try {
    const count = await exportAudit({
      site: String(values.site),
      token,
      filters,
      write: (line) => process.stdout.write(`${line}\n`),
    });
    console.error(`${count} entries`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
