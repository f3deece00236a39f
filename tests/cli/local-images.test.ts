/**
 * Finding an article's images on disk and writing their URLs on the site into what is sent, with
 * everything else left byte for byte. Real files in a temporary folder; no Worker.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLocalImages, isLocalPath, type LocalImage, rewriteImages } from "../../src/cli/local-images";

let folder: string;
let article: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "broadsheet-local-images-"));
  await mkdir(join(folder, "images"));
  // Contents do not matter here: only that the files exist.
  await writeFile(join(folder, "images", "heron.jpg"), "not really a JPEG");
  await writeFile(join(folder, "images", "my heron.jpg"), "not really a JPEG");
  article = join(folder, "article.md");
});

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

const file = (frontmatter: string, body: string): string =>
  `---\ntitle: T\npublished: 2025-01-01T00:00:00Z\ncategory: C\n${frontmatter}---\n\n${body}`;

/** A made-up URL on the site for each reference (its length, in hex). */
const urlOf = (ref: string): string => `/media/${ref.length.toString(16).padStart(32, "0")}.jpg`;
const uploaded = (image: LocalImage): string => urlOf(image.ref);

describe("isLocalPath", () => {
  it.each(["heron.jpg", "images/heron.jpg", "./heron.jpg", "../shared/heron.jpg"])("takes %s for a file", (ref) => {
    expect(isLocalPath(ref)).toBe(true);
  });
  it.each(["/media/a.jpg", "//cdn.example/a.jpg", "https://a.example/a.jpg", "data:image/png;base64,AA", "#top", ""])(
    "leaves %s alone",
    (ref) => {
      expect(isLocalPath(ref)).toBe(false);
    },
  );
});

describe("findLocalImages", () => {
  it("finds the lead and every body image on disk, resolved against the article's folder, with their alt text", async () => {
    const source = file(
      "image:\n  url: images/heron.jpg\n  alt: A heron\n",
      "![A heron,\nfishing](./images/heron.jpg)\n\n![Elsewhere](https://a.example/b.jpg)\n\n![Here](/media/x.jpg)\n\n![Spaced](<images/my heron.jpg>)\n",
    );
    const { images, problems } = await findLocalImages(article, source);
    expect(problems).toEqual([]);
    expect(images.map(({ where, ref, path, alt }) => ({ where, ref, path, alt }))).toEqual([
      { where: "lead", ref: "images/heron.jpg", path: join(folder, "images", "heron.jpg"), alt: "A heron" },
      { where: "body", ref: "./images/heron.jpg", path: join(folder, "images", "heron.jpg"), alt: "A heron, fishing" },
      { where: "body", ref: "images/my heron.jpg", path: join(folder, "images", "my heron.jpg"), alt: "Spaced" },
    ]);
  });

  it("names each image that is missing or has no alt text", async () => {
    const source = file('image:\n  url: images/heron.jpg\n  alt: ""\n', "![](images/heron.jpg)\n\n![A gull](images/gull.jpg)\n");
    const { problems } = await findLocalImages(article, source);
    expect(problems).toEqual([
      { field: "image", problem: "has no alt text for images/heron.jpg: describe it in image.alt" },
      {
        field: "body",
        problem: "image images/heron.jpg has no alt text: describe it, as in ![A heron fishing](images/heron.jpg)",
      },
      { field: "body", problem: `image images/gull.jpg is not a file (looked for ${join(folder, "images", "gull.jpg")})` },
    ]);
  });
});

describe("rewriteImages", () => {
  async function rewrite(source: string): Promise<string> {
    const { images } = await findLocalImages(article, source);
    const result = rewriteImages(source, images, uploaded);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.source;
  }

  it("replaces the lead's url, plain, quoted or in flow style, and nothing else in the frontmatter", async () => {
    for (const [written, expected] of [
      [
        "image:\n  url: images/heron.jpg\n  alt: images/heron.jpg\n",
        `image:\n  url: ${urlOf("images/heron.jpg")}\n  alt: images/heron.jpg\n`,
      ],
      [
        'image:\n  url: "images/heron.jpg" # the lead\n  alt: A heron\n',
        `image:\n  url: "${urlOf("images/heron.jpg")}" # the lead\n  alt: A heron\n`,
      ],
      ["image: {url: images/heron.jpg, alt: A heron}\n", `image: {url: ${urlOf("images/heron.jpg")}, alt: A heron}\n`],
    ]) {
      expect(await rewrite(file(written ?? "", "Text.\n"))).toBe(file(expected ?? "", "Text.\n"));
    }
  });

  it("replaces each body image's destination where it stands, keeping its alt, title and surroundings", async () => {
    const body = [
      'Before ![images/heron.jpg](images/heron.jpg "images/heron.jpg") after.',
      "",
      "- ![A heron](./images/heron.jpg)",
      "",
      "> ![Spaced](<images/my heron.jpg>)",
      "",
      "[A link to images/heron.jpg](images/heron.jpg) and ![A heron](images/heron.jpg)",
      "",
    ].join("\r\n");
    const heron = urlOf("images/heron.jpg");
    expect(await rewrite(file("", body))).toBe(
      file(
        "",
        [
          `Before ![images/heron.jpg](${heron} "images/heron.jpg") after.`,
          "",
          `- ![A heron](${urlOf("./images/heron.jpg")})`,
          "",
          `> ![Spaced](<${urlOf("images/my heron.jpg")}>)`,
          "",
          `[A link to images/heron.jpg](images/heron.jpg) and ![A heron](${heron})`,
          "",
        ].join("\r\n"),
      ),
    );
  });

  it("refuses a reference it cannot find as written, rather than send the article half rewritten", async () => {
    const source = file("", "![A heron][bird]\n\n[bird]: images/heron.jpg\n");
    const { images } = await findLocalImages(article, source);
    expect(rewriteImages(source, images, uploaded)).toEqual({
      ok: false,
      problems: [{ field: "body", problem: "image images/heron.jpg cannot be replaced: write it as ![alt](images/heron.jpg)" }],
    });
  });
});
