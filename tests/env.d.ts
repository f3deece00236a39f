// Types for `env` and `exports` from cloudflare:workers / cloudflare:test in the tests.
type BroadsheetEnv = import("../src/config").Env;

declare namespace Cloudflare {
  interface Env extends BroadsheetEnv {}
  interface GlobalProps {
    mainModule: typeof import("../src/index");
  }
}
