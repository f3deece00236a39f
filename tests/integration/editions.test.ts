import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { publish, request, TOKEN } from "./helpers";

const auth = { Authorization: `Bearer ${TOKEN}` };

const put = (lang: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`/api/editions/${lang}`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const del = (lang: string) => request(`/api/editions/${lang}`, { method: "DELETE", headers: auth });
const json = async <T>(response: Response) => (await response.json()) as T;

interface Edition {
  lang: string;
  name: string;
  title: string;
  description: string;
  timeZone?: string;
  default: boolean;
  edition: string;
  path: string;
  interfaceLanguage: string;
  interfaceFallback: boolean;
}

async function editionRows(): Promise<unknown[]> {
  return (await env.DB.prepare("SELECT * FROM editions ORDER BY lang").all()).results;
}

describe("editions", () => {
  it("start with the default edition the SITE_* vars describe", async () => {
    const response = await request("/api/editions", { headers: auth });
    expect(response.status).toBe(200);
    const { editions } = await json<{ editions: Edition[] }>(response);
    expect(editions).toEqual([
      {
        lang: "en",
        name: "English",
        title: "Broadsheet",
        description: expect.any(String),
        timeZone: "UTC",
        default: true,
        edition: "",
        path: "/",
        interfaceLanguage: "en",
        interfaceFallback: false,
      },
    ]);
  });

  it("are created with a BCP 47 tag in any case, answered in its canonical form", async () => {
    const created = await put("pt-br", { name: "Português", title: "Broadsheet Brasil", timeZone: "America/Sao_Paulo" });
    expect(created.status).toBe(201);
    expect(await json<Edition>(created)).toEqual({
      lang: "pt-BR",
      name: "Português",
      title: "Broadsheet Brasil",
      description: "",
      timeZone: "America/Sao_Paulo",
      default: false,
      edition: "pt-br",
      path: "/pt-br/",
      interfaceLanguage: "pt",
      interfaceFallback: false,
    });
    const again = await put("PT-BR", { name: "Português", title: "Broadsheet BR" });
    expect(again.status).toBe(200);
    expect((await json<Edition>(again)).title).toBe("Broadsheet BR");
    expect((await put("zh-hans", { name: "中文", title: "大报" })).status).toBe(201);
    expect((await put("ar", { name: "العربية", title: "برودشيت" })).status).toBe(201);
    const { editions } = await json<{ editions: Edition[] }>(await request("/api/editions", { headers: auth }));
    expect(editions.map((e) => e.lang)).toEqual(["en", "ar", "pt-BR", "zh-Hans"]);
    // Every one of these has interface text of its own; Swahili has none, and the API says it falls back.
    expect(editions.map((e) => [e.interfaceLanguage, e.interfaceFallback])).toEqual([
      ["en", false],
      ["ar", false],
      ["pt", false],
      ["zh-Hans", false],
    ]);
    const swahili = await json<Edition>(await put("sw", { name: "Kiswahili", title: "Broadsheet" }));
    expect([swahili.interfaceLanguage, swahili.interfaceFallback]).toEqual(["en", true]);
    expect((await request("/api/editions/sw", { method: "DELETE", headers: auth })).status).toBe(200);
    const one = await request("/api/editions/zh-HANS", { headers: auth });
    expect(one.status).toBe(200);
    expect((await json<Edition>(one)).edition).toBe("zh-hans");
    expect((await request("/api/editions/fr", { headers: auth })).status).toBe(404);
  });

  it("let editors save the default edition's settings over the vars", async () => {
    const saved = await put("EN", { name: "English", title: "The Broadsheet", description: "News" });
    expect(saved.status).toBe(201);
    expect(await json<Edition>(saved)).toMatchObject({ lang: "en", default: true, title: "The Broadsheet", path: "/" });
    const { editions } = await json<{ editions: Edition[] }>(await request("/api/editions", { headers: auth }));
    expect(editions).toHaveLength(1);
    expect(editions[0]?.title).toBe("The Broadsheet");
  });

  it("refuse a tag that is not BCP 47, naming the field, and write nothing", async () => {
    for (const tag of ["english", "e", "es_ES", "x-private", "123", "es-", "-es", "a".repeat(40), "%20", "es%2Fhome"]) {
      const response = await put(tag, { name: "X", title: "X" });
      expect(response.status, tag).toBe(400);
      const body = await json<{ details: Array<{ field: string; problem: string }> }>(response);
      expect(body.details[0]?.field, tag).toBe("lang");
      expect(body.details[0]?.problem, tag).toMatch(/BCP 47/);
    }
    expect(await editionRows()).toEqual([]);
  });

  it("refuse settings that are not valid, naming each field, and write nothing", async () => {
    const cases: Array<[unknown, string]> = [
      [{ title: "X" }, "name"],
      [{ name: "", title: "X" }, "name"],
      [{ name: "X" }, "title"],
      [{ name: "X", title: "X", timeZone: "Mars/Olympus" }, "timeZone"],
      [{ name: "X", title: "X", colour: "red" }, "colour"],
      [{ name: "X", title: "X".repeat(201) }, "title"],
      [{ name: "X\u0007", title: "X" }, "name"],
    ];
    for (const [body, field] of cases) {
      const response = await put("es", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const { details } = await json<{ details: Array<{ field: string }> }>(response);
      expect(
        details.map((d) => d.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    expect((await put("es", "{not json")).status).toBe(400);
    expect((await put("es", { name: "X", title: "X" }, { "Content-Type": "text/plain" })).status).toBe(415);
    expect(await editionRows()).toEqual([]);
  });

  it("are deleted only when no article uses them, and never the default", async () => {
    expect((await put("es", { name: "Español", title: "Broadsheet" })).status).toBe(201);
    expect((await put("fr", { name: "Français", title: "Broadsheet" })).status).toBe(201);
    await publish("en-espanol", { title: "En español" });
    await env.DB.prepare("UPDATE articles SET language = 'es' WHERE slug = 'en-espanol'").run();
    const used = await del("es");
    expect(used.status).toBe(409);
    expect((await json<{ details: Array<{ field: string; problem: string }> }>(used)).details[0]).toEqual({
      field: "lang",
      problem: "is used by 1 article; move or delete them first",
    });
    const fallback = await del("en");
    expect(fallback.status).toBe(409);
    expect((await del("de")).status).toBe(404);
    expect((await del("not_a_tag")).status).toBe(400);
    expect((await del("fr")).status).toBe(200);
    expect((await editionRows()).map((r) => (r as { lang: string }).lang)).toEqual(["es"]);
  });

  it("need a token, and settings:write to change", async () => {
    expect((await request("/api/editions")).status).toBe(401);
    expect((await request("/api/editions/es", { method: "PUT", body: "{}" })).status).toBe(401);
    expect(await editionRows()).toEqual([]);
  });

  it("never answer 500, whatever the tag", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 20 }), async (tag) => {
        const response = await put(encodeURIComponent(tag), { name: "X", title: "X" });
        expect([200, 201, 400, 404, 409]).toContain(response.status);
        if (response.status < 300) {
          const { lang } = await json<Edition>(response);
          expect(Intl.getCanonicalLocales(lang)[0]).toBe(lang);
        }
      }),
      { numRuns: 40 },
    );
  });
});
