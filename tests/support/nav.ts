/**
 * The sections a rendered page's header links, read back from its HTML: for tests and the bench,
 * which check what readers see. The Workers never do this; their navigation comes from D1
 * (the pipeline's `navigation` document).
 */
export interface NavLink {
  slug: string;
  name: string;
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

export function navFromHtml(html: string): NavLink[] {
  const nav = /<nav class="sections"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? "";
  return [...nav.matchAll(/<a href="(?:\/[a-z0-9-]+)?\/sections\/([a-z0-9-]+)">([^<]*)<\/a>/g)].map(
    ([, slug = "", name = ""]) => ({
      slug,
      name: name.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity),
    }),
  );
}
