/**
 * @module tests/cli/cli-command
 * The editors' commands (`src/cli/<name>.ts`) as the CLI tests run them: compiled once by esbuild,
 * as tsx compiles them for `npm run <name>` (the project's tsconfig, packages left to
 * node_modules), and run with the project's Node. A test runs a command a dozen times or more;
 * tsx compiles on every start and costs three times the CPU of a start from the compiled file.
 */
import { createHash } from "node:crypto";
import { access, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { BIN, ROOT } from "./local-worker";

const OUT = join(ROOT, "node_modules", ".cache", "broadsheet-cli-tests");
const compiled = new Map<string, Promise<string>>();

/**
 * The command line that runs `src/cli/<name>.ts`: the project's Node and the compiled file, named
 * by a hash of its contents, so files running at once share one and a changed source gets a new one.
 *
 * @example
 * const [command, ...args] = await cliCommand("publish");
 * spawn(command, [...args, "--site", url], { cwd: ROOT, env: CHILD_ENV });
 */
export async function cliCommand(name: string): Promise<string[]> {
  let file = compiled.get(name);
  if (!file) {
    file = compile(name);
    compiled.set(name, file);
  }
  return [join(BIN, "node"), await file];
}

/**
 * Keeps `import.meta` true to each source module inside the one compiled file: its own folder, and
 * its own URL for every module but the entry. A command's "run me when started directly" check
 * (`import.meta.url === pathToFileURL(process.argv[1]).href`) then holds for the entry alone, as
 * under tsx, and not for the other commands it imports.
 */
function ownLocation(entry: string): Plugin {
  return {
    name: "own-location",
    setup(build) {
      build.onLoad({ filter: /\.tsx?$/ }, async ({ path }) => {
        let contents = (await readFile(path, "utf8")).replaceAll("import.meta.dirname", JSON.stringify(dirname(path)));
        if (path !== entry) contents = contents.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(path).href));
        return { contents, loader: path.endsWith("x") ? "tsx" : "ts" };
      });
    },
  };
}

async function compile(name: string): Promise<string> {
  const entry = join(ROOT, "src", "cli", `${name}.ts`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    packages: "external",
    tsconfig: join(ROOT, "src", "cli", "tsconfig.json"),
    plugins: [ownLocation(entry)],
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error(`esbuild wrote nothing for ${entry}`);
  const path = join(OUT, `${name}-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`);
  await mkdir(OUT, { recursive: true });
  try {
    await access(path);
  } catch {
    // Written whole under a temporary name, then renamed: another file may be starting it.
    const partial = `${path}.${process.pid}`;
    await writeFile(partial, code);
    await rename(partial, path);
  }
  return path;
}
