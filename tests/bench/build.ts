/**
 * @module bench/build
 * Bundles the Worker exactly as `wrangler deploy` would (`--dry-run`, offline) and reads back the
 * emitted modules, so the benchmark runs and weighs the code that would be uploaded.
 */
import { spawn } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import { delimiter, extname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "./config";

export type ModuleType = "esm" | "cjs" | "text" | "data" | "wasm" | "json";

export interface BuiltModule {
  name: string;
  type: ModuleType;
  contents: Uint8Array<ArrayBuffer>;
}

export interface Bundle {
  mainModule: string;
  modules: BuiltModule[];
  /** Bytes of all uploaded modules, raw and gzipped one by one. */
  rawBytes: number;
  gzipBytes: number;
  seconds: number;
}

// What wrangler emits next to the modules but never uploads as code.
const NOT_UPLOADED = new Set([".map", ".md"]);
const TYPE_BY_EXTENSION: Record<string, ModuleType> = {
  ".js": "esm",
  ".mjs": "esm",
  ".cjs": "cjs",
  ".wasm": "wasm",
  ".txt": "text",
  ".html": "text",
  ".bin": "data",
  ".json": "json",
};

/** Runs `wrangler deploy --dry-run --outdir <outDir>` and returns what it emitted. */
export async function buildWorker(outDir: string): Promise<Bundle> {
  const started = performance.now();
  await rm(outDir, { recursive: true, force: true });
  const bin = resolve(ROOT, "node_modules/.bin");
  // Wrangler needs Node 22: put the project's own node first, as npm scripts do.
  await run(join(bin, "wrangler"), ["deploy", "--dry-run", "--outdir", outDir], {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`,
    WRANGLER_SEND_METRICS: "false",
  });
  const modules: BuiltModule[] = [];
  const files = (await readdir(outDir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  for (const name of files.map((file) => relative(outDir, join(file.parentPath, file.name))).sort()) {
    const extension = extname(name);
    if (NOT_UPLOADED.has(extension)) continue;
    const type = TYPE_BY_EXTENSION[extension];
    if (!type) throw new Error(`wrangler emitted ${name}, which the benchmark does not know how to load`);
    const contents = new Uint8Array(await readFile(join(outDir, name)));
    modules.push({ name: name.split("\\").join("/"), type, contents });
  }
  const main = modules.find((m) => m.name === "index.js");
  if (!main) throw new Error(`wrangler did not emit index.js in ${outDir}`);
  return {
    mainModule: main.name,
    modules,
    rawBytes: modules.reduce((sum, m) => sum + m.contents.byteLength, 0),
    gzipBytes: modules.reduce((sum, m) => sum + gzipSync(m.contents).byteLength, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`));
    });
  });
}
