/**
 * Lends dependency-cruiser a TypeScript it can use. The project compiles with TypeScript 7, whose
 * package has no JavaScript API; dependency-cruiser parses .ts/.tsx with that API (TypeScript < 7).
 * package.json installs TypeScript 6 under the alias `typescript6`, and this preload, loaded by
 * `npm run lint:layers` through NODE_OPTIONS, sends dependency-cruiser's own imports of
 * `typescript` there: `require` (which reads the version) and `import` (which loads the compiler).
 * Nothing else is redirected.
 */
import Module, { register } from "node:module";

const FROM_DEPCRUISE = /[/\\]node_modules[/\\]dependency-cruiser[/\\]/;
const TYPESCRIPT = /^typescript(?=\/|$)/;

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const redirected = FROM_DEPCRUISE.test(parent?.filename ?? "") ? request.replace(TYPESCRIPT, "typescript6") : request;
  return resolveFilename.call(this, redirected, parent, ...rest);
};

const hooks = `
const FROM_DEPCRUISE = ${FROM_DEPCRUISE};
export async function resolve(specifier, context, next) {
  const redirected = FROM_DEPCRUISE.test(context.parentURL ?? "") ? specifier.replace(${TYPESCRIPT}, "typescript6") : specifier;
  return next(redirected, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
