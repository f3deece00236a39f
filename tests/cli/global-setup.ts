/**
 * @module tests/cli/global-setup
 * The CLI project's one local site: a single `wrangler dev` (tests/cli/local-worker.ts) for the CLI
 * test files, instead of one per file. It builds in the background while the tests that need no
 * site run; a file that needs it calls `localSite()` (tests/cli/local-site.ts), which waits until it
 * answers. Each file seeds what it needs under slugs, sections and tags of its own, so no file
 * depends on another having run, or not run, first. A test that needs a Worker with other settings
 * still starts its own with `startLocalWorker`.
 */
import type { TestProject } from "vitest/node";
import { launchLocalWorker } from "./local-worker";

/** What a CLI test file is given of the shared site. */
export interface LocalSite {
  url: string;
  /** The editors' token the site accepts (`Authorization: Bearer …`, BROADSHEET_TOKEN). */
  token: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    localSite: LocalSite;
  }
}

const TOKEN = "cli-e2e-token-0123456789abcdef0123456789";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const worker = await launchLocalWorker(TOKEN);
  // The files waiting for it fail with a timeout; this says why.
  worker.ready.catch((error: unknown) => console.error(`The CLI tests' local site did not start: ${String(error)}`));
  project.provide("localSite", { url: worker.url, token: worker.token });
  return () => worker.stop();
}
