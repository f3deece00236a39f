/**
 * @module bench/import
 * `npm run bench:import`: the WordPress import over a generated export of BENCH_IMPORT_POSTS posts
 * (default 10,000), each with block comments, a caption shortcode, a gallery, tags and a featured
 * image: both streaming passes, the mapping, the HTML → Markdown conversion and the article schema's
 * check of every file, as `--dry-run` does (the API's own cost is measured by the rest of the bench).
 * Reports the rate in posts a second and the peak memory, sampled while it runs. `npm run bench`
 * runs it in a process of its own (`--json`), so the peak memory is the import's alone.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { importWordPress } from "../../src/cli/wordpress/import";

const POSTS = Number(process.env.BENCH_IMPORT_POSTS ?? 10_000);

function post(i: number): string {
  const date = new Date(Date.UTC(2015, 0, 1) + i * 3_600_000).toISOString().replace("T", " ").slice(0, 19);
  return `<item><title><![CDATA[Generated post number ${i} about the valley]]></title>
<link>https://old.example/${date.slice(0, 4)}/${date.slice(5, 7)}/post-${i}/</link>
<dc:creator><![CDATA[author${i % 20}]]></dc:creator><guid isPermaLink="false">https://old.example/?p=${i}</guid>
<content:encoded><![CDATA[<!-- wp:paragraph --><p>Paragraph one of post ${i}, with <strong>bold</strong> and <a href="https://example.com/${i}">a link</a>.</p><!-- /wp:paragraph -->
[caption id="attachment_${POSTS + i}" width="800"]<img src="https://old.example/wp-content/uploads/2020/01/img-${i}.jpg" alt="Image ${i}" /> Caption ${i}[/caption]
<p>Paragraph two, longer, so that the body is of a realistic size for a news story in the archive: ${"words ".repeat(60)}</p>
<ul><li>One</li><li>Two</li></ul>[gallery ids="${POSTS + i}"]]]></content:encoded>
<excerpt:encoded><![CDATA[Summary of post ${i}.]]></excerpt:encoded>
<wp:post_id>${i}</wp:post_id><wp:post_date><![CDATA[${date}]]></wp:post_date><wp:post_date_gmt><![CDATA[${date}]]></wp:post_date_gmt>
<wp:post_name><![CDATA[post-${i}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="news"><![CDATA[News]]></category><category domain="post_tag" nicename="t${i % 50}"><![CDATA[tag ${i % 50}]]></category>
<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[${POSTS + i}]]></wp:meta_value></wp:postmeta></item>
<item><title>img-${i}</title><excerpt:encoded><![CDATA[Caption ${i}]]></excerpt:encoded><wp:post_id>${POSTS + i}</wp:post_id><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://old.example/wp-content/uploads/2020/01/img-${i}.jpg</wp:attachment_url></item>
`;
}

async function generate(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Generated</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
`);
  for (let a = 0; a < 20; a++)
    out.write(
      `<wp:author><wp:author_login>author${a}</wp:author_login><wp:author_display_name>Author ${a}</wp:author_display_name></wp:author>\n`,
    );
  for (let i = 0; i < POSTS; i++)
    if (!out.write(post(i))) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  out.end("</channel></rss>\n");
  await finished(out);
}

export interface ImportBench {
  posts: number;
  seconds: number;
  perSecond: number;
  peakHeapMb: number;
  peakRssMb: number;
  fileMb: number;
}

export async function benchImport(): Promise<ImportBench> {
  const dir = await mkdtemp(join(tmpdir(), "broadsheet-bench-import-"));
  try {
    const file = join(dir, "export.xml");
    await generate(file);
    const fileMb = (await stat(file)).size / 1024 / 1024;
    let peakHeap = 0;
    let peakRss = 0;
    const sample = () => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    };
    const timer = setInterval(sample, 50);
    const started = performance.now();
    const report = await importWordPress({ file, now: Date.now(), log: () => {} });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    sample();
    if (report.checked !== POSTS)
      throw new Error(`${report.checked} of ${POSTS} posts passed: ${JSON.stringify(report.failed.slice(0, 3))}`);
    return {
      posts: POSTS,
      seconds,
      perSecond: POSTS / seconds,
      peakHeapMb: peakHeap / 1024 / 1024,
      peakRssMb: peakRss / 1024 / 1024,
      fileMb,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One line for the bench's report. */
export const importLine = (r: ImportBench): string =>
  `WordPress import (dry run): ${r.posts.toLocaleString("en")} posts, ${r.fileMb.toFixed(1)} MB of WXR, in ${r.seconds.toFixed(1)} s: ` +
  `${r.perSecond.toFixed(0)} posts/s; peak heap ${r.peakHeapMb.toFixed(0)} MB, peak RSS ${r.peakRssMb.toFixed(0)} MB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchImport();
  if (process.argv.includes("--json")) console.log(JSON.stringify(r));
  else console.log(importLine(r));
}
