/**
 * @module app-env
 * The Hono environment shared by every route: bindings plus what the app sets up per request.
 */
import type { EdgeCache } from "./cache/edge-cache";
import type { Env, Site } from "./config";
import type { Store } from "./content/store";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    site: Site;
    store: Store;
    cache: EdgeCache;
  };
}
