// `npm run deploy`'s plan, without deploying anything: the newsroom before the reader, a placeholder
// reader first on a site's first deploy, and a stop at the first step that fails.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DeployStep, deployPlan, main, readerIdentity, runPlan } from "../../src/cli/deploy";
import { ROOT } from "./local-worker";

const commands = (steps: DeployStep[]) => steps.map((step) => `wrangler ${step.args.join(" ")}`);

describe("npm run deploy", () => {
  it("deploys the newsroom first, then the reader whose service binding names it", () => {
    expect(commands(deployPlan({ first: false, dryRun: false }))).toEqual([
      "wrangler deploy -c wrangler.newsroom.toml",
      "wrangler deploy -c wrangler.toml",
    ]);
  });

  it("puts a placeholder reader up first on a site's first deploy, from its own folder, without the reader's bindings", () => {
    const reader = readerIdentity(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
    expect(reader).toEqual({ name: "broadsheet", compatibilityDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    const steps = deployPlan({ first: true, dryRun: true, placeholderDir: "/tmp/placeholder", reader });
    expect(steps[0]).toMatchObject({ cwd: "/tmp/placeholder" });
    expect(commands(steps)).toEqual([
      `wrangler deploy placeholder.js --name broadsheet --compatibility-date ${reader.compatibilityDate} --dry-run`,
      "wrangler deploy -c wrangler.newsroom.toml --dry-run",
      "wrangler deploy -c wrangler.toml --dry-run",
    ]);
  });

  it("names the newsroom the reader binds, and the reader the newsroom binds, as the plan assumes", () => {
    const reader = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
    const newsroom = readFileSync(join(ROOT, "wrangler.newsroom.toml"), "utf8");
    const newsroomName = /^name\s*=\s*"([^"]+)"/m.exec(newsroom)?.[1];
    expect(reader).toContain(`service = "${newsroomName}"`);
    expect(newsroom).toContain(`service = "${readerIdentity(reader).name}"`);
  });

  it("stops at the first step that fails, and says what is deployed already", () => {
    const ran: string[] = [];
    const lines: string[] = [];
    const code = runPlan(
      deployPlan({ first: false, dryRun: false }),
      (step) => {
        ran.push(step.what);
        return step.args.includes("wrangler.toml") ? 7 : 0;
      },
      (line) => lines.push(line),
    );
    expect(code).toBe(7);
    expect(ran).toEqual(["the newsroom (wrangler.newsroom.toml)", "the reader (wrangler.toml)"]);
    expect(lines.at(-1)).toContain("Deploying the reader (wrangler.toml) failed (exit 7). Already deployed: the newsroom");
  });

  it("deploys nothing after a failed newsroom", () => {
    const ran: string[] = [];
    const code = main(
      [],
      (step) => {
        ran.push(step.what);
        return 1;
      },
      () => {},
    );
    expect(code).toBe(1);
    expect(ran).toEqual(["the newsroom (wrangler.newsroom.toml)"]);
  });

  it("writes the placeholder for --first and removes it afterwards", () => {
    let placeholder = "";
    const code = main(
      ["--first", "--dry-run"],
      (step) => {
        if (step.cwd) placeholder = readFileSync(join(step.cwd, "placeholder.js"), "utf8");
        return 0;
      },
      () => {},
    );
    expect(code).toBe(0);
    expect(placeholder).toContain("status: 503");
  });
});
