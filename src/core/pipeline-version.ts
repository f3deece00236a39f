/**
 * @module core/pipeline-version
 * The version of the render pipeline, which a release bumps when what it builds changes.
 */

/**
 * Bump when the stored HTML would come out differently for the same input: a change to Markdown
 * rendering, sanitizing, summaries or reading time. (2: body images uploaded here got their size,
 * srcset and sizes. 3: every page's header has the search box and its footer links /corrections.
 * 4: the navigation is a document of its own, written from D1, that pages rendered on request read.
 * 5: an article's page ends with a form to subscribe to its section by email.
 * 6: editions: interface text in the edition's language, hreflang links and a language switcher on
 * translated articles, each edition's own navigation and section names, the navigation document
 * carries its edition's face, sitemaps list every edition with xhtml:link alternates.)
 */
export const PIPELINE_VERSION = 6;
