import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { cdata, escapeHtml, escapeXml, jsonForHtml, stripXmlForbidden, XmlFragment, xml } from "../../src/core/escape";

const EMOJI = "👋🏽 🇺🇦 👩‍👩‍👧";
const ARABIC = "مرحبا بالعالم";
const HEBREW = "שלום עולם";

/** The text content of `<a>` after a real XML parser has read the document. */
function parsedText(document: string): unknown {
  expect(XMLValidator.validate(document)).toBe(true);
  // htmlEntities: also decode numeric references such as &#39;, which escapeXml writes for '.
  return new XMLParser({ parseTagValue: false, trimValues: false, htmlEntities: true }).parse(document).a;
}

describe("escapeHtml", () => {
  it("escapes the five significant characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>Fish & chips</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Fish &amp; chips&lt;/a&gt;",
    );
  });

  it("escapes an existing entity again, so it shows as written", () => {
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });

  it("leaves other text, emoji and right-to-left scripts alone", () => {
    const text = `Plain text, ${EMOJI} ${ARABIC} ${HEBREW} é ß 漢字`;
    expect(escapeHtml(text)).toBe(text);
  });
});

describe("stripXmlForbidden", () => {
  it("removes C0 controls but keeps tab, LF and CR", () => {
    let controls = "";
    for (let code = 0; code < 0x20; code++) controls += String.fromCharCode(code);
    expect(stripXmlForbidden(`a${controls}b`)).toBe("a\t\n\rb");
  });

  it("removes U+FFFE and U+FFFF but keeps DEL and other allowed characters", () => {
    expect(stripXmlForbidden("a\uFFFEb\uFFFFc\u007Fd\uFFFDe")).toBe("abc\u007Fd\uFFFDe");
  });

  it("removes lone high and low surrogates", () => {
    expect(stripXmlForbidden("a\uD83Db")).toBe("ab");
    expect(stripXmlForbidden("a\uDC4Bb")).toBe("ab");
    expect(stripXmlForbidden("end\uD83D")).toBe("end");
    expect(stripXmlForbidden("\uDC4Bstart")).toBe("start");
    // A pair in the wrong order is two lone surrogates.
    expect(stripXmlForbidden("a\uDC4B\uD83Db")).toBe("ab");
  });

  it("keeps surrogate pairs, even next to a lone surrogate", () => {
    expect(stripXmlForbidden(EMOJI)).toBe(EMOJI);
    expect(stripXmlForbidden("\uD83D\uD83D\uDC4B")).toBe("👋");
    expect(stripXmlForbidden("\uD83D\uDC4B\uDC4B")).toBe("👋");
  });

  it("leaves right-to-left text unchanged", () => {
    expect(stripXmlForbidden(`${ARABIC} ${HEBREW}`)).toBe(`${ARABIC} ${HEBREW}`);
  });
});

describe("escapeXml", () => {
  it("escapes and removes forbidden characters in one go", () => {
    expect(escapeXml("a\u0000 < b\u000B & \uD800c")).toBe("a &lt; b &amp; c");
  });

  it("round-trips emoji and right-to-left text through an XML parser", () => {
    const text = `${EMOJI} ${ARABIC} & ${HEBREW} <tag> "quoted" 'single'`;
    expect(parsedText(`<a>${escapeXml(text)}</a>`)).toBe(text);
  });
});

describe("cdata", () => {
  it("wraps plain text", () => {
    expect(cdata("<p>Hi</p>").value).toBe("<![CDATA[<p>Hi</p>]]>");
  });

  it("splits a ]]> inside so that the section does not end early", () => {
    const wrapped = cdata("a]]>b").value;
    expect(wrapped).toBe("<![CDATA[a]]]]><![CDATA[>b]]>");
    // The only ]]> left are the ones that close a section.
    expect(wrapped.split("]]>").length).toBe(wrapped.split("<![CDATA[").length);
  });

  it.each(["a]]>b", "]]>", "]]>]]>", "x]]]>y", "<p>if (a[b[0]]>c) { return; }</p>", `<p>${EMOJI} ${ARABIC} ${HEBREW}</p>`])(
    "parses back to the original text with a real XML parser: %s",
    (text) => {
      expect(parsedText(`<a>${cdata(text).value}</a>`)).toBe(text);
    },
  );

  it("removes forbidden characters inside the section", () => {
    expect(cdata("a\u0001b\uDC00c").value).toBe("<![CDATA[abc]]>");
  });
});

describe("xml tagged template", () => {
  it("escapes interpolated strings", () => {
    expect(xml`<title>${"Fish & chips <b>"}</title>`.value).toBe("<title>Fish &amp; chips &lt;b&gt;</title>");
  });

  it("escapes quotes inside attribute values", () => {
    expect(xml`<link href="${'x" onload="y'}"/>`.value).toBe('<link href="x&quot; onload=&quot;y"/>');
  });

  it("does not escape XmlFragments again", () => {
    const inner = xml`<b>${"&"}</b>`;
    expect(inner).toBeInstanceOf(XmlFragment);
    expect(xml`<a>${inner}</a>`.value).toBe("<a><b>&amp;</b></a>");
    expect(xml`<a>${new XmlFragment("<raw/>")}</a>`.value).toBe("<a><raw/></a>");
  });

  it("joins arrays, escaping strings and keeping fragments", () => {
    const items = ["a&b", xml`<i>${"<"}</i>`, ["c<d", xml`<j/>`]];
    expect(xml`<a>${items}</a>`.value).toBe("<a>a&amp;b<i>&lt;</i>c&lt;d<j/></a>");
  });

  it("renders nothing for null, undefined and false, but does render 0", () => {
    expect(xml`<a>${null}${undefined}${false}${0}</a>`.value).toBe("<a>0</a>");
  });

  it("removes forbidden characters from interpolations", () => {
    expect(xml`<a>${"x\u0008y"}</a>`.value).toBe("<a>xy</a>");
  });

  it("turns into its text when used as a string", () => {
    expect(String(xml`<a>${"&"}</a>`)).toBe("<a>&amp;</a>");
  });

  it("round-trips emoji and right-to-left text unchanged", () => {
    const text = `${EMOJI} ${ARABIC} ${HEBREW}`;
    expect(xml`<a>${text}</a>`.value).toBe(`<a>${text}</a>`);
  });
});

describe("jsonForHtml", () => {
  const hostile = {
    title: "</script><script>alert(1)</script>",
    comment: "<!-- x --> & <![CDATA[",
    separators: "line\u2028paragraph\u2029end",
    world: `${EMOJI} ${ARABIC} ${HEBREW}`,
  };

  it("parses back to the same value", () => {
    expect(JSON.parse(jsonForHtml(hostile))).toEqual(hostile);
  });

  it("contains nothing that could close the script element or open a comment", () => {
    const json = jsonForHtml(hostile);
    expect(json).not.toMatch(/<\/script/i);
    expect(json).not.toContain("<!--");
    expect(json).not.toContain("-->");
    expect(json).not.toMatch(/[<>&]/);
  });

  it("escapes U+2028 and U+2029", () => {
    const json = jsonForHtml(hostile);
    expect(json).not.toMatch(/[\u2028\u2029]/);
    expect(json).toContain("\\u2028");
    expect(json).toContain("\\u2029");
  });

  it("uses lower-case four-digit escapes", () => {
    expect(jsonForHtml("<&>")).toBe('"\\u003c\\u0026\\u003e"');
  });

  it("leaves emoji and right-to-left text as they are", () => {
    expect(jsonForHtml({ world: hostile.world })).toBe(JSON.stringify({ world: hostile.world }));
  });
});
