/**
 * @module tests/cli/local-site
 * The CLI test files' shared local site (started by tests/cli/global-setup.ts), for a file's
 * `beforeAll`.
 */
import { inject } from "vitest";
import type { LocalSite } from "./global-setup";

/**
 * The shared site's address and editors' token, once it answers. It starts with the test run and
 * may still be building when the first file asks.
 *
 * @example
 * beforeAll(async () => ({ url, token } = await localSite()));
 */
export async function localSite(): Promise<LocalSite> {
  const site = inject("localSite");
  const deadline = Date.now() + 150_000;
  for (;;) {
    try {
      const response = await fetch(`${site.url}/rss.xml`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.ok) return site;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`the shared local site at ${site.url} did not answer (see the globalSetup's error above)`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
