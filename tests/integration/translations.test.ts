import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { articleFile, deleteArticle, publish, putArticle, request, TOKEN } from "./helpers";

const auth = { Authorization: `Bearer ${TOKEN}` };

async function edition(lang: string, name: string): Promise<void> {
  const response = await request(`/api/editions/${lang}`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ name, title: `Broadsheet (${name})` }),
  });
  expect(response.status).toBe(201);
}

/** PUTs an article as JSON, the API's other input form. */
const putJson = (slug: string, fields: Record<string, unknown>) =>
  request(`/api/articles/${slug}`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ title: "A story", published: "2025-01-15T10:00:00Z", category: "World", body: "Text.", ...fields }),
  });

interface Problem {
  details: Array<{ field: string; problem: string }>;
}

async function articleJson(slug: string) {
  const response = await request(`/api/articles/${slug}`, { headers: auth });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    translations: Array<{ language: string; slug: string; status: string; originalChanged: boolean }>;
    article: Record<string, unknown>;
  };
}

async function rowOf(slug: string) {
  return env.DB.prepare("SELECT language, translation_group FROM articles WHERE slug = ?")
    .bind(slug)
    .first<{ language: string | null; translation_group: string | null }>();
}

describe("an article's edition and translations", () => {
  it("file an article in its edition, and link every version of a story in one group", async () => {
    await edition("es", "Español");
    await edition("ar", "العربية");
    await publish("story", { title: "The story" });
    // Front matter and JSON both carry the fields; the tag is kept in its canonical form.
    const spanish = await putArticle("historia", articleFile({ title: "La historia", language: "ES", translationOf: "story" }));
    expect(spanish.status).toBe(201);
    const arabic = await putJson("qissa", { title: "القصة", language: "ar", translationOf: "historia" });
    expect(arabic.status).toBe(201);
    expect(await rowOf("historia")).toEqual({ language: "es", translation_group: expect.any(String) });
    const group = (await rowOf("story"))?.translation_group;
    expect(group).toBeTruthy();
    expect((await rowOf("qissa"))?.translation_group).toBe(group);
    const expected = [
      { language: "en", slug: "story", status: "published", originalChanged: false },
      { language: "ar", slug: "qissa", status: "published", originalChanged: false },
      { language: "es", slug: "historia", status: "published", originalChanged: false },
    ];
    for (const slug of ["story", "historia", "qissa"]) {
      expect((await articleJson(slug)).translations, slug).toEqual(expected);
    }
    expect((await articleJson("historia")).article).toMatchObject({ language: "es", translationOf: "story" });
    // An article with no translations lists none.
    await publish("alone");
    expect((await articleJson("alone")).translations).toEqual([]);
  });

  it("refuse an edition the site does not have, a tag that is not one, and write nothing", async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ language: "fr" }, 400, "language"],
      [{ language: "french" }, 400, "language"],
      [{ language: 7 }, 400, "language"],
    ];
    for (const [fields, status, field] of cases) {
      const response = await putJson("nouvelle", fields);
      expect(response.status, JSON.stringify(fields)).toBe(status);
      expect(((await response.json()) as Problem).details.map((d) => d.field)).toContain(field);
    }
    expect((await request("/api/articles/nouvelle", { headers: auth })).status).toBe(404);
  });

  it("refuse a translationOf that names itself, nothing, the trash, or a second version in one edition", async () => {
    await edition("es", "Español");
    await publish("original", { title: "Original" });
    await publish("trashed", { title: "Trashed" });
    expect((await deleteArticle("trashed")).status).toBe(200);
    expect((await putJson("version-es", { language: "es", translationOf: "original" })).status).toBe(201);
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      ["self", { translationOf: "self" }, 400, "must name another article"],
      ["to-nothing", { translationOf: "nowhere" }, 400, "names no article"],
      ["to-trash", { translationOf: "trashed" }, 409, "names an article in the trash"],
      ["second-es", { language: "es", translationOf: "original" }, 409, 'already holds "version-es" in es'],
      // The original is the default edition's version: a second one is refused too.
      ["second-en", { translationOf: "version-es" }, 409, 'already holds "original" in en'],
      ["bad-slug", { translationOf: "Not A Slug" }, 400, "lower-case"],
    ];
    for (const [slug, fields, status, problem] of cases) {
      const response = await putJson(slug, fields);
      expect(response.status, slug).toBe(status);
      const { details } = (await response.json()) as Problem;
      expect(details.find((d) => d.field === "translationOf")?.problem, slug).toContain(problem);
      expect((await request(`/api/articles/${slug}`, { headers: auth })).status, slug).toBe(404);
    }
    // An existing article may not join a group that has its edition either, and stays as it was.
    await publish("another", { title: "Another" });
    const joined = await putJson("another", { title: "Another", translationOf: "original" });
    expect(joined.status).toBe(409);
    expect(await rowOf("another")).toEqual({ language: null, translation_group: null });
  });

  it("give one of several racing saves the edition's place in a group, and the others a 409, never a 500", async () => {
    await edition("es", "Español");
    await publish("original", { title: "The original" });
    const responses = await Promise.all(
      ["una", "dos", "tres", "cuatro"].map((slug) => putJson(slug, { title: slug, language: "es", translationOf: "original" })),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(((await response.json()) as Problem).details[0]?.field).toBe("translationOf");
    }
  });
});
