/**
 * `npm run audit` (src/cli/audit.ts): follows the API's cursor page by page and writes JSON Lines.
 */
import { describe, expect, it } from "vitest";
import { exportAudit } from "../../src/cli/audit";

describe("npm run audit", () => {
  it("writes every entry as one JSON line, following the cursor, with the filters and the token", async () => {
    const asked: string[] = [];
    const pages: Record<string, { entries: unknown[]; next: string | null }> = {
      "": {
        entries: [
          { id: 3, action: "approved" },
          { id: 2, action: "submitted" },
        ],
        next: "2",
      },
      "2": { entries: [{ id: 1, action: "article-created" }], next: null },
    };
    const lines: string[] = [];
    const count = await exportAudit({
      site: "https://news.example",
      token: "secret-token",
      filters: { since: "2026-12-01" },
      write: (line) => lines.push(line),
      fetch: async (url, init) => {
        asked.push(url.toString());
        expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer secret-token");
        return Response.json(pages[url.searchParams.get("cursor") ?? ""]);
      },
    });
    expect(count).toBe(3);
    expect(lines.map((line) => JSON.parse(line).id)).toEqual([3, 2, 1]);
    expect(asked).toEqual([
      "https://news.example/api/audit?since=2026-12-01&limit=500",
      "https://news.example/api/audit?since=2026-12-01&limit=500&cursor=2",
    ]);
  });

  it("refuses to send the token over plain http to another host, and reports a refusal", async () => {
    await expect(exportAudit({ site: "http://news.example", token: "t", filters: {}, write: () => undefined })).rejects.toThrow(
      /unencrypted/,
    );
    await expect(
      exportAudit({
        site: "https://news.example",
        token: "t",
        filters: {},
        write: () => undefined,
        fetch: async () => Response.json({ error: "forbidden", need: "audit:read" }, { status: 403 }),
      }),
    ).rejects.toThrow(/403/);
  });
});
