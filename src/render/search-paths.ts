/**
 * @module render/search-paths
 * Where search answers: the page, its JSON and the OpenSearch description. Apart from the page's
 * renderer (render/search.tsx) so that the reader can route to search without loading it.
 */
export const SEARCH_PATH = "/search";
export const SEARCH_JSON_PATH = "/search.json";
export const OPENSEARCH_PATH = "/opensearch.xml";
