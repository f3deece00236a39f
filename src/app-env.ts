/**
 * @module app-env
 * The Hono environment shared by every route: bindings plus what the app sets up per request.
 */
import type { EdgeCache } from "./cache/edge-cache";
import type { Clock } from "./core/clock";
import type { Site } from "./core/config";
import type { Materialiser } from "./pipeline/materialise";
import type { Store } from "./readmodel/store";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    site: Site;
    store: Store;
    cache: EdgeCache;
    clock: Clock;
    /** Outbound requests: `fetch`, or a fake in tests. */
    fetch: (request: Request) => Promise<Response>;
    materialiser: Materialiser;
    /** The signed-in editor's name, on the editors' API. */
    editor?: string;
  };
}
