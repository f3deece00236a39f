/**
 * @module newsroom/editors
 * What the editors' two front doors, the API and the desk, share: who the editors are, the
 * publishing context of a request. (The read model's work leaves with the response: newsroom/index.ts.)
 */
import type { Context } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import type { PublishContext } from "../editorial/publishing";
import type { AppEnv } from "./app-env";

export interface EditorToken {
  name: string;
  token: string;
}

/**
 * Parses EDITOR_TOKENS: `name:token` pairs separated by commas (a bare token is the editor "editor").
 * @example parseEditorTokens("ana:s3cret, b0b-token") // [{ name: "ana", token: "s3cret" }, { name: "editor", token: "b0b-token" }]
 */
export function parseEditorTokens(source: string): EditorToken[] {
  return source
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const colon = pair.indexOf(":");
      return colon > 0
        ? { name: pair.slice(0, colon).trim(), token: pair.slice(colon + 1).trim() }
        : { name: "editor", token: pair };
    })
    .filter((editor) => editor.token.length > 0);
}

/**
 * The editor a token belongs to, compared in constant time with every token (none is skipped, so
 * the time taken says nothing about which one matched); undefined for none.
 * @example await editorForToken(parseEditorTokens("ana:s3cret"), "s3cret") // "ana"
 */
export async function editorForToken(editors: EditorToken[], token: string): Promise<string | undefined> {
  let found: string | undefined;
  for (const editor of editors) {
    if (token && (await timingSafeEqual(editor.token, token))) found ??= editor.name;
  }
  return found;
}

/** The publishing context of an editor's request: set up by `requestSetup`, named by the auth. */
export function publisher(c: Context<AppEnv>): PublishContext {
  return { db: c.env.DB, media: c.env.MEDIA, site: c.var.site, clock: c.var.clock, editor: c.var.editor ?? "editor" };
}
