import { describe, expect, it } from "vitest";
import { websubLinkHeader, websubPing } from "../../src/feeds/websub";

describe("websubPing", () => {
  it("is a form POST with hub.mode=publish and the feed's URL", async () => {
    const ping = websubPing("https://news.example/rss.xml?a=1&b=2");
    expect(ping.method).toBe("POST");
    expect(ping.body.toString()).toBe("hub.mode=publish&hub.url=https%3A%2F%2Fnews.example%2Frss.xml%3Fa%3D1%26b%3D2");
    // What fetch would send: the form's media type comes with a URLSearchParams body.
    const request = new Request("https://hub.example/", ping);
    expect(request.headers.get("content-type")).toBe("application/x-www-form-urlencoded;charset=UTF-8");
    expect((await request.formData()).get("hub.url")).toBe("https://news.example/rss.xml?a=1&b=2");
  });

  it("names each feed with its own hub.url", () => {
    const feeds = ["https://news.example/rss.xml", "https://news.example/atom.xml", "https://news.example/feed.json"];
    const { body } = websubPing(feeds);
    expect(body.get("hub.mode")).toBe("publish");
    expect(body.getAll("hub.url")).toEqual(feeds);
  });
});

describe("websubLinkHeader", () => {
  it("names the hub and the feed itself (W3C WebSub §4)", () => {
    expect(websubLinkHeader("https://hub.example/", "https://news.example/rss.xml")).toBe(
      '<https://hub.example/>; rel="hub", <https://news.example/rss.xml>; rel="self"',
    );
  });

  it("percent-encodes what would end a URI reference early", () => {
    expect(websubLinkHeader("https://hub.example/a>b", "https://news.example/rss.xml?x=<y>")).toBe(
      '<https://hub.example/a%3Eb>; rel="hub", <https://news.example/rss.xml?x=%3Cy%3E>; rel="self"',
    );
  });
});
