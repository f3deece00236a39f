/**
 * @module render/styles
 * The whole stylesheet, inlined in every page: no extra request, nothing from a third party.
 * Colours follow the reader's system setting through `prefers-color-scheme`.
 */
export const STYLES = `
:root{color-scheme:light dark;--bg:#fdfcf9;--fg:#1d1c1a;--muted:#5f5b53;--rule:#e4e0d6;--accent:#9b2915;--code:#f2efe7;
font-family:Charter,"Bitstream Charter","Sitka Text",Cambria,Georgia,serif;line-height:1.6}
@media (prefers-color-scheme:dark){:root{--bg:#151412;--fg:#ebe7df;--muted:#a7a195;--rule:#34312c;--accent:#f08b6e;--code:#211f1c}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font-size:clamp(1.05rem,0.98rem + 0.35vw,1.2rem)}
a{color:var(--accent);text-underline-offset:.15em}
a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;inset-inline-start:-999px}.skip:focus{inset-inline-start:1rem;top:1rem;background:var(--bg);padding:.5rem}
.wrap{max-width:42rem;margin:0 auto;padding:0 1.25rem}
header.site{border-bottom:1px solid var(--rule);padding:1.25rem 0;margin-bottom:2rem}
header.site .wrap{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:baseline;justify-content:space-between}
.brand{font-weight:700;font-size:1.5rem;letter-spacing:-.01em;color:var(--fg);text-decoration:none}
nav.feeds{display:flex;flex-wrap:wrap;gap:0 1rem;font-family:system-ui,sans-serif;font-size:.85rem}
nav.feeds a{display:inline-block;padding:.35rem 0}
nav.sections{flex-basis:100%}
nav.sections ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-family:system-ui,sans-serif;font-size:.9rem}
nav.sections a{color:var(--fg);text-decoration:none;display:inline-block;padding:.35rem 0}
nav.sections a:hover{text-decoration:underline}
nav.languages ul{list-style:none;margin:0 0 1rem;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-family:system-ui,sans-serif;font-size:.9rem}
nav.languages a,nav.languages span{display:inline-block;padding:.35rem 0}
nav.languages span{font-weight:600}
.profile{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;margin-bottom:1.5rem}.profile img{border-radius:50%}
.profile p{margin:0;flex:1 1 12rem}
h1,h2,h3{line-height:1.2;letter-spacing:-.01em}
h1{font-size:clamp(1.9rem,1.5rem + 2vw,2.6rem);margin:.25rem 0 1rem}
.meta,.kicker,footer.site,.pager,figcaption{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:.85rem;color:var(--muted)}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-weight:600;color:var(--accent)}
.meta span+span::before{content:"·";margin:0 .5em}
ol.articles{list-style:none;padding:0;margin:0}
ol.articles li{padding:1.25rem 0;border-bottom:1px solid var(--rule)}
ol.articles h2{font-size:1.4rem;margin:.25rem 0 .4rem}
ol.articles h2 a{color:var(--fg);text-decoration:none}
ol.articles h2 a:hover{text-decoration:underline}
ol.articles p{margin:.4rem 0 0}
figure.lead{margin:1.5rem 0;padding:0 0 .75rem;border-bottom:1px solid var(--rule)}
figure.lead img{width:100%;height:auto;display:block;margin-bottom:.5rem}
.credit{font-style:italic}
.body img{max-width:100%;height:auto}
.body blockquote{margin:1.5rem 0;padding-inline-start:1rem;border-inline-start:3px solid var(--rule);color:var(--muted)}
.body pre{background:var(--code);padding:1rem;overflow-x:auto;font-size:.9em}
.body code{background:var(--code);padding:.1em .3em;font-size:.9em}
.body pre code{padding:0;background:none}
.body table{border-collapse:collapse;width:100%}.body th,.body td{border:1px solid var(--rule);padding:.35rem .5rem}
.tags{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}
.tags li{border:1px solid var(--rule);padding:.1rem .6rem;border-radius:1rem}
.live-label{display:inline-block;margin-inline-start:.5em;padding:0 .45em;border-radius:.2em;background:var(--accent);color:var(--bg)}
.key-events,.live-updates{border-top:1px solid var(--rule);margin-top:2rem}.key-events ul{padding-inline-start:1.2rem}
ol.updates{list-style:none;padding:0;margin:0}ol.updates>li{padding:1rem 0;border-bottom:1px solid var(--rule)}
ol.updates h3{font-size:1.15rem;margin:.25rem 0}.live-new button{font:inherit;padding:.4rem .9rem;margin:.5rem 0;cursor:pointer}
.pager{display:flex;justify-content:space-between;margin:2rem 0}
form.site-search{display:flex;gap:.4rem;align-items:baseline;font-family:system-ui,sans-serif;font-size:.85rem}
input,select,button{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--muted);border-radius:.25rem;padding:.3rem .5rem}
button{cursor:pointer}
input:focus-visible,select:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
mark{background:#ffe58a;color:#1d1c1a;padding:0 .05em}
form.subscribe{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;font-family:system-ui,sans-serif;font-size:.9rem;margin:2rem 0;padding-top:1rem;border-top:1px solid var(--rule)}
form.subscribe label{display:flex;flex-direction:column;gap:.2rem}
form.search-page{display:flex;flex-wrap:wrap;gap:.75rem 1rem;align-items:flex-end;font-family:system-ui,sans-serif;font-size:.9rem;margin-bottom:1.5rem}
form.search-page label{display:flex;flex-direction:column;gap:.2rem}
form.search-page .query{flex:1 1 100%}
.search-summary{font-family:system-ui,sans-serif;font-size:.9rem;color:var(--muted)}
footer.site{border-top:1px solid var(--rule);margin-top:3rem;padding:1.5rem 0 3rem}
section.corrections{margin:2rem 0;padding:.75rem 1rem;border-inline-start:3px solid var(--accent);background:var(--code)}
section.corrections p{margin:.5rem 0}
`
  .replace(/\n/g, "")
  .trim();
