/**
 * @module cli/types-reader
 * Part of `npm run types`. Both Workers' generated files declare `Cloudflare.Env` and its main
 * module; two declarations of one global clash. The newsroom's (the larger set of bindings, which
 * the tests run with) keeps them; the reader's file keeps only its own `ReaderBindings`.
 */
import { readFile, writeFile } from "node:fs/promises";

const FILE = "src/reader/worker-configuration.d.ts";
const text = await readFile(FILE, "utf8");
const kept = text.replace(/declare namespace Cloudflare \{[\s\S]*?\n\}\n/, "").replace(/type StringifyValues[\s\S]*$/, "");
await writeFile(FILE, kept);
