/**
 * @module render/favicon
 * The site's icon: a serif "B" on the accent colour, drawn as a path so it looks the same whatever
 * fonts the browser has. It follows the reader's colour scheme as the pages do (see styles.ts).
 */

/** The icon's media type, for `Content-Type` and `<link rel="icon" type>`. */
export const FAVICON_CONTENT_TYPE = "image/svg+xml";

/** The icon: the light scheme's accent and paper, swapped for the dark scheme's. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<style>.tile{fill:#9b2915}.letter{fill:#fdfcf9}@media (prefers-color-scheme:dark){.tile{fill:#f08b6e}.letter{fill:#151412}}</style>
<rect class="tile" width="32" height="32" rx="6"/>
<path class="letter" fill-rule="evenodd" d="M7 6H17.5C21.6 6 24 7.9 24 11C24 13.3 22.6 14.8 20.3 15.5C23.1 16 25 17.8 25 20.6C25 24 22.3 26 17.8 26H7V24.6L9 24.3V7.7L7 7.4ZM12.4 7.6V14.8H16.6C19.2 14.8 20.4 13.6 20.4 11.2C20.4 8.8 19.1 7.6 16.6 7.6ZM12.4 16.4V24.4H17.1C20 24.4 21.4 23 21.4 20.4C21.4 17.7 19.9 16.4 16.9 16.4Z"/>
</svg>
`;
