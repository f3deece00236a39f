/**
 * `npm run redirects -- import FILE.csv`: reading the CSV (pure, on Node). Each line is checked with
 * the Worker's own rules and a bad one is named by its line number.
 */
import { describe, expect, it } from "vitest";
import { readRedirectsCsv } from "../../src/cli/redirects";

const SITE = "https://news.example";

describe("readRedirectsCsv", () => {
  it("reads from,to lines, skipping a header, quoted fields and a BOM", () => {
    const csv =
      '\uFEFFfrom,to\n/2019/03/old/,/articles/new\n"/?p=12","https://news.example/articles/twelve"\n\n/a,"https://elsewhere.example/x,y"\n';
    const { redirects, problems } = readRedirectsCsv(csv, SITE);
    expect(problems).toEqual([]);
    expect(redirects).toEqual([
      { from: "/2019/03/old", to: "/articles/new", line: 2 },
      { from: "/?p=12", to: "/articles/twelve", line: 3 },
      { from: "/a", to: "https://elsewhere.example/x,y", line: 5 },
    ]);
  });

  it("names each bad line and field", () => {
    const csv = "/ok,/fine\nhttps://evil.example/x,/y\n/x,javascript:alert(1)\n/lonely\n/ok,/again\n";
    const { problems } = readRedirectsCsv(csv, SITE);
    expect(problems).toEqual([
      { line: 2, field: "from", problem: expect.stringContaining("another host") },
      { line: 3, field: "to", problem: expect.stringContaining("http(s)") },
      { line: 4, field: "line", problem: "needs two columns: from,to" },
      { line: 5, field: "from", problem: "repeats line 1" },
    ]);
  });

  it("reports a broken file with its line", () => {
    const { problems } = readRedirectsCsv('/a,/b\n"/unclosed,/c\n', SITE);
    expect(problems[0]?.field).toBe("file");
  });
});
