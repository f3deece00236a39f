/**
 * @module bench/build
 * Bundles a Worker exactly as `wrangler deploy` would (`--dry-run -c <config>`, offline) and reads
 * back the emitted modules, so the benchmark runs and weighs the code that would be uploaded. The
 * esbuild metafile (`--metafile`) says which inputs the bytes come from.
 */
import { spawn } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import { delimiter, dirname, extname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "./config";

export type ModuleType = "esm" | "cjs" | "text" | "data" | "wasm" | "json";

export interface BuiltModule {
  name: string;
  type: ModuleType;
  contents: Uint8Array<ArrayBuffer>;
}

/** One input of the bundle and the bytes it left in the (minified) output. */
export interface BundleInput {
  /** The source file, relative to the project, or `<package>/<path>` for a dependency. */
  path: string;
  /** A dependency's package name, or the source folder (`src/render`) for the project's own code. */
  group: string;
  bytes: number;
}

export interface Bundle {
  /** The configuration it was built from. */
  config: string;
  mainModule: string;
  modules: BuiltModule[];
  /** Bytes of all uploaded modules, raw and gzipped one by one. */
  rawBytes: number;
  gzipBytes: number;
  /** Every input, largest first, from the esbuild metafile. */
  inputs: BundleInput[];
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

/**
 * Runs `wrangler deploy --dry-run -c <config> --outdir <outDir> --metafile <outDir>.meta.json` and
 * returns what it emitted. The metafile goes beside the output directory, not into it, so it is not
 * taken for a module.
 */
export async function buildWorker(config: string, outDir: string): Promise<Bundle> {
  const started = performance.now();
  const metafile = `${outDir}.meta.json`;
  await rm(outDir, { recursive: true, force: true });
  await rm(metafile, { force: true });
  const bin = resolve(ROOT, "node_modules/.bin");
  // Wrangler needs Node 22: put the project's own node first, as npm scripts do.
  await run(join(bin, "wrangler"), ["deploy", "--dry-run", "-c", config, "--outdir", outDir, "--metafile", metafile], {
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
    config: relative(ROOT, config),
    mainModule: main.name,
    modules,
    rawBytes: modules.reduce((sum, m) => sum + m.contents.byteLength, 0),
    gzipBytes: modules.reduce((sum, m) => sum + gzipSync(m.contents).byteLength, 0),
    inputs: await bundleInputs(metafile),
    seconds: (performance.now() - started) / 1000,
  };
}

interface Metafile {
  outputs: Record<string, { inputs?: Record<string, { bytesInOutput: number }> }>;
}

/** The inputs of the emitted JavaScript, largest first, with the bytes each left in it. */
async function bundleInputs(metafile: string): Promise<BundleInput[]> {
  const meta = JSON.parse(await readFile(metafile, "utf8")) as Metafile;
  // Paths in the metafile are relative to the directory wrangler ran in (ROOT).
  const bytes = new Map<string, number>();
  for (const [output, { inputs = {} }] of Object.entries(meta.outputs)) {
    if (output.endsWith(".map")) continue;
    for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
      if (bytesInOutput > 0) bytes.set(input, (bytes.get(input) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].map(([input, size]) => ({ ...nameOf(input), bytes: size })).sort((a, b) => b.bytes - a.bytes);
}

/** `../main/node_modules/hono/dist/jsx/base.js` → hono/dist/jsx/base.js in group hono; `src/render/x.tsx` → group src/render. */
function nameOf(input: string): Pick<BundleInput, "path" | "group"> {
  const at = input.lastIndexOf("node_modules/");
  if (at !== -1) {
    const path = input.slice(at + "node_modules/".length);
    const parts = path.split("/");
    const group = parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
    return { path, group };
  }
  const path = relative(ROOT, resolve(ROOT, input)).split("\\").join("/");
  return { path, group: dirname(path) };
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
