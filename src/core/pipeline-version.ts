/**
 * @module core/pipeline-version
 * The version of the render pipeline, which a release bumps when what it builds changes.
 */

/**
 * Bump when the stored HTML would come out differently for the same input: a change to Markdown
 * rendering, sanitizing, summaries or reading time. (2: body images uploaded here got their size,
 * srcset and sizes. 3: every page's header has the search box and its footer links /corrections.
 * 4: the navigation is a document of its own, written from D1, that pages rendered on request read.)
 */
export const PIPELINE_VERSION = 4;
