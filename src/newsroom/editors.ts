/**
 * @module newsroom/editors
 * What the editors' two front doors, the API and the desk, share: who the editors are, the
 * publishing context of a request. (The read model's work leaves with the response: newsroom/index.ts.)
 */
import type { Context } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { ConfigurationError } from "../core/config";
import type { PublishContext } from "../editorial/publishing";
import type { AppEnv } from "./app-env";
import { articleHook } from "./workflow";

export interface EditorToken {
  name: string;
  token: string;
}

/**
 * Parses EDITOR_TOKENS: `name:token` pairs separated by commas (a bare token is the editor "editor").
 * @example parseEditorTokens("ana:s3cret, b0b-token") // [{ name: "ana", token: "s3cret" }, { name: "editor", token: "b0b-token" }] (too short to run: see editorsFromEnv)
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
 * The shortest editor token accepted: as long as DESK_SECRET must be (desk/hmac.ts). 32 random
 * characters (`openssl rand -base64 32` gives 44) cannot be guessed, even without the limit on
 * failed attempts (newsroom/failed-auth.ts).
 */
export const MIN_TOKEN_LENGTH = 32;

let checked: { source: string; editors: EditorToken[] } | undefined;

/**
 * The editors of EDITOR_TOKENS, checked once per value: a token shorter than {@link MIN_TOKEN_LENGTH}
 * or one that two editors share throws a {@link ConfigurationError}, so the API and the desk refuse
 * every request (503) until the secret is fixed, rather than accept a guessable token. The message
 * names the editor, never the token. An empty or missing secret is no editors (the API says so).
 * @example editorsFromEnv({ EDITOR_TOKENS: "ana:short" }) // throws: EDITOR_TOKENS: the token of "ana" has 5 characters; …
 */
export function editorsFromEnv(env: { EDITOR_TOKENS?: string | undefined }): EditorToken[] {
  const source = env.EDITOR_TOKENS ?? "";
  if (checked?.source === source) return checked.editors;
  const editors = parseEditorTokens(source);
  const seen = new Set<string>();
  for (const { name, token } of editors) {
    if (token.length < MIN_TOKEN_LENGTH)
      throw new ConfigurationError(
        `EDITOR_TOKENS: the token of "${name}" has ${token.length} characters; every token needs at least ` +
          `${MIN_TOKEN_LENGTH} (make one with \`openssl rand -base64 32\`)`,
      );
    // RFC 6750 §2.1: what a bearer token may contain, as the API's bearer-auth reads it.
    if (!/^[A-Za-z0-9._~+/-]+=*$/.test(token))
      throw new ConfigurationError(
        `EDITOR_TOKENS: the token of "${name}" has characters a bearer token cannot carry; use letters, digits and . _ ~ + / -`,
      );
    if (seen.has(token)) throw new ConfigurationError(`EDITOR_TOKENS: the token of "${name}" is also another entry's token`);
    seen.add(token);
  }
  checked = { source, editors };
  return editors;
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

/**
 * The publishing context of an editor's request: set up by `requestSetup`, named by the auth. It
 * reads only the bindings and variables, so a sub-app's context that adds its own variables passes too.
 */
export function publisher(c: Pick<Context<AppEnv>, "env" | "var">): PublishContext {
  const actor = c.var.actor;
  return {
    db: c.env.DB,
    media: c.env.MEDIA,
    site: c.var.site,
    clock: c.var.clock,
    editor: c.var.editor ?? "editor",
    // Each change's audit entry and (for a new article) its workflow row, in the change's own batch.
    also: actor ? articleHook(actor, c.var.clock.now()) : undefined,
  };
}
