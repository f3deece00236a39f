/**
 * The newsroom Worker is reachable only through the reader's service binding: its config turns off
 * the workers.dev address and preview URLs, and has no routes.
 */
import { describe, expect, it } from "vitest";
import config from "../../wrangler.newsroom.toml?raw";

/** The top-level keys: everything before the first table header. */
function topLevel(toml: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const line of toml.split("\n")) {
    if (/^\s*\[/.test(line)) break;
    const match = /^\s*([A-Za-z_][\w-]*)\s*=\s*(.+?)\s*(?:#.*)?$/.exec(line);
    if (match?.[1] && match[2]) keys.set(match[1], match[2]);
  }
  return keys;
}

describe("wrangler.newsroom.toml", () => {
  const keys = topLevel(config);

  it("turns off the workers.dev address and preview URLs", () => {
    expect(keys.get("workers_dev")).toBe("false");
    expect(keys.get("preview_urls")).toBe("false");
  });

  it("has no routes, custom domains or environments that could add them", () => {
    const lines = config.split("\n").filter((line) => !/^\s*#/.test(line));
    for (const line of lines) {
      expect(line).not.toMatch(/^\s*(route|routes)\s*=/);
      expect(line).not.toMatch(/^\s*\[\[?\s*(routes|env\b)/);
    }
    expect(keys.has("route")).toBe(false);
    expect(keys.has("routes")).toBe(false);
  });
});
