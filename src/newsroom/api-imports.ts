/**
 * @module newsroom/api-imports
 * Which article each imported post became (docs/importing.md), kept on the site so that an import
 * run again, from any machine, finds the same articles even after a rename:
 * `GET /api/imports?source=` answers `{"posts": [{"id", "slug", "version"}]}`, and
 * `PUT /api/imports?source=` with `[{"id", "slug"}]` (up to 1,000) records them. A source names an
 * export: `wordpress https://old.example`, `ghost`.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { oneLine } from "../core/one-line";
import { slugSchema, validate } from "../core/schema";
import { importSources, missingSlugs, recordImportSources } from "../data/imports";
import { apiError, jsonInput } from "./api-input";
import type { AppEnv } from "./app-env";
import { requires } from "./permissions";

export const MAX_IMPORT_SOURCES_PER_REQUEST = 1000;
const MAX_BODY_BYTES = 1024 * 1024;

const sourceSchema = oneLine(300);
const postsSchema = v.pipe(
  v.array(v.strictObject({ id: oneLine(200), slug: slugSchema }), "must be a list of {id, slug}"),
  v.minLength(1, "must list at least one post"),
  v.maxLength(MAX_IMPORT_SOURCES_PER_REQUEST, `must list at most ${MAX_IMPORT_SOURCES_PER_REQUEST} posts`),
);

export const importsApi = new Hono<AppEnv>()
  .get("/imports", requires("articles:read"), async (c) => {
    const source = validate(sourceSchema, c.req.query("source"));
    if (!source.ok)
      return apiError(c, 400, "Say which source: ?source=", [{ field: "source", problem: source.problems[0]?.problem ?? "" }]);
    const rows = await importSources(c.env.DB, source.value);
    return c.json({ source: source.value, posts: rows.map((r) => ({ id: r.source_id, slug: r.slug, version: r.version })) });
  })
  .put(
    "/imports",
    requires("articles:publish"),
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        apiError(c, 413, `The body is larger than ${MAX_BODY_BYTES} bytes`, [{ field: "body", problem: "is too large" }]),
    }),
    jsonInput,
    async (c) => {
      const source = validate(sourceSchema, c.req.query("source"));
      if (!source.ok)
        return apiError(c, 400, "Say which source: ?source=", [{ field: "source", problem: source.problems[0]?.problem ?? "" }]);
      const posts = validate(postsSchema, c.req.valid("json"));
      // Fields named as the redirects API names them: `[3].slug`.
      if (!posts.ok)
        return apiError(
          c,
          400,
          "The posts are not valid",
          posts.problems.map((p) => ({ ...p, field: p.field.replace(/^(\d+)/, "[$1]") })),
        );
      const missing = await missingSlugs(
        c.env.DB,
        posts.value.map((p) => p.slug),
      );
      if (missing.size)
        return apiError(
          c,
          400,
          "Some posts name no article",
          posts.value.flatMap((p, i) =>
            missing.has(p.slug) ? [{ field: `[${i}].slug`, problem: "names no article outside the trash" }] : [],
          ),
        );
      const changed = await recordImportSources(c.env.DB, source.value, posts.value, c.var.clock.now());
      return c.json({ source: source.value, changed });
    },
  );
