/**
 * Each of the importer's small rules on its own: every line rule in the table with lines it must
 * claim and lines of story it must leave alone, then the title score, the date reader, bylines,
 * captions, breadcrumbs and datelines.
 */
import { describe, expect, it } from "vitest";
import {
  breadcrumbs,
  chooseTitle,
  classifyLine,
  findFullDate,
  LINE_RULES,
  parseBy,
  readDateline,
  readLabel,
  splitCaption,
  titleScore,
  toDateTime,
} from "../../src/cli/scrape/index";

// For every rule: lines it must claim (and no earlier rule may claim first), and story lines it must not.
const RULE_CASES: Record<string, { claims: string[]; leaves: string[] }> = {
  chrome: {
    claims: ["City", "Epaper", "Open in App", "Subscribe", "Sign in", "Share this:", "Startseite", "Live"],
    leaves: ["The city council will subscribe to the plan.", "Sign in at the front desk, the notice said."],
  },
  "app promo": {
    claims: [
      "Download the Broadsheet app for the latest updates",
      "Get our free app",
      "For a better experience, open in the app",
    ],
    leaves: ["The bank said customers could download the app from Monday, and that branches would stay open."],
  },
  "share prompt": {
    claims: [
      "Leave a Reply",
      "Your email address will not be published. Required fields are marked *",
      "Share on Facebook",
      "Name *",
    ],
    leaves: ["Readers were asked to leave a reply card at the library desk by Friday."],
  },
  "reading time": { claims: ["3 min read", "5 minutes read"], leaves: ["The talk was a 3 min read of the statement."] },
  advertisement: {
    claims: ["Advertisement", "ADVERTISEMENT", "Story continues below advertisement"],
    leaves: ["Advertisement spending rose."],
  },
  "lone source": { claims: ["Source", "Sources:"], leaves: ["Source code was published on Friday."] },
  "inline link": {
    claims: ["ALSO READ: Floods cut off hill villages", "Read more: Bridge approved"],
    leaves: ["Read more about it, the minister told parliament."],
  },
  section: { claims: ["National", "World", "Latest news", "SCIENCE", "Wissen"], leaves: ["World leaders met in Geneva."] },
  breadcrumb: {
    claims: ["HomeNational", "HomeWorldSouth Asia", "Home › World › Asia", "Home / Business"],
    leaves: ["Home prices fell."],
  },
  "posted in": {
    claims: ["Posted in Local News", "Filed under: Politics"],
    leaves: ["Posted in 2019, the letter arrived late."],
  },
  trailer: {
    claims: ["Related Stories", "You May Also Like", "Read more", "See all", "Latest", "3 Comments", "Mehr zum Thema"],
    leaves: ["Related stories appeared in two other papers, the report said."],
  },
  tags: { claims: ["Tags: Monsoon, Coast", "Tags"], leaves: ["Tagging birds is slow work, the scientists said."] },
  by: {
    claims: ["By Priya Raman | Updated: January 15, 2020 14:55 IST", "By Tom Hughes and Aoife Byrne", "Von Anna Keller"],
    leaves: ["By Friday, officials said, the roads would reopen.", "By the end of the year sales had doubled."],
  },
  "name / agency": { claims: ["Priya Raman / PTI", "Marta Soares / NNA"], leaves: ["Either / or, he said."] },
  desk: { claims: ["Web Desk", "News Desk"], leaves: ["The desk was made of oak."] },
  credit: {
    claims: ["( With inputs from PTI )", "With inputs from Reuters and AFP", "Reporting by Marta Soares; Editing by João Reis"],
    leaves: ["With inputs from farmers, the plan changed twice."],
  },
  "date line": {
    claims: [
      "September 8, 2017",
      "Fri September 08, 2017",
      "2017-09-08",
      "Updated: 14 March 2024 18:05 GMT",
      "Posted on 2017-09-08 by admin",
    ],
    leaves: ["On September 8, 2017, the council voted to close the market for good."],
  },
  caption: {
    claims: [
      "Rescuers search the rubble in Lahore on Tuesday. PHOTO: AFP",
      "A ferry docks at North Holm. (Source: Harbour Authority)",
    ],
    leaves: ["The photo: a crowd in the square."],
  },
};

describe("the line rules, each on its own", () => {
  it("has cases for every rule in the table", () => {
    expect(Object.keys(RULE_CASES).sort()).toEqual(LINE_RULES.map((r) => r.name).sort());
  });

  describe.each(LINE_RULES.map((rule) => [rule.name, rule] as const))("%s", (name, rule) => {
    const cases = RULE_CASES[name] ?? { claims: [], leaves: [] };
    it.each(cases.claims)("claims %j, and it is the first rule to", (line) => {
      expect(rule.match(line)).toBeDefined();
      expect(classifyLine(line)?.rule).toBe(name);
    });
    it.each(cases.leaves)("leaves the story line %j to the story", (line) => {
      expect(rule.match(line)).toBeUndefined();
    });
  });
});

describe("labels", () => {
  const lines = (...texts: string[]) => texts.map((text, i) => ({ line: i + 1, text }));
  it("reads a category under its label, and names under an Authors label", () => {
    expect(readLabel(lines("Category", "World"), 0)).toEqual({ kind: "category", value: "World", lines: 2 });
    expect(readLabel(lines("Authors", "Jane Doe, Li Wei", "The story begins here."), 0)).toEqual({
      kind: "authors",
      authors: ["Jane Doe", "Li Wei"],
      lines: 2,
    });
  });
  it("does not read a headline printed twice as a name", () => {
    expect(readLabel(lines("A Headline", "Authors", "A Headline"), 1)).toEqual({ kind: "authors", authors: [], lines: 1 });
  });
});

describe("titleScore and chooseTitle", () => {
  it("prefers a capitalised headline-length line near the top, more so when it repeats", () => {
    const plain = titleScore("Floods Cut Off Villages in the Hills", 0, 0);
    const repeated = titleScore("Floods Cut Off Villages in the Hills", 0, 1);
    expect(repeated?.score).toBe((plain?.score ?? 0) + 4);
    expect(repeated?.why).toContain("repeated +4");
  });
  it("marks down sentences, lower-case starts and lines far down", () => {
    const title = titleScore("Floods Cut Off Villages in the Hills", 0, 0)?.score ?? 0;
    expect(titleScore("Floods cut off villages in the hills, officials said.", 0, 0)?.score).toBeLessThan(title);
    expect(titleScore("floods cut off villages in the hills", 0, 0)?.score).toBeLessThan(title);
    expect(titleScore("Floods Cut Off Villages in the Hills", 6, 0)?.score).toBeLessThan(title);
  });
  it("never takes a short word or a very long line", () => {
    expect(titleScore("City", 0, 0)).toBeUndefined();
    expect(titleScore("x".repeat(201), 0, 0)).toBeUndefined();
  });
  it("chooses by score, not by position", () => {
    const lines = [
      { line: 1, text: "The Daily Ledger" },
      { line: 2, text: "Harbour Bakery Chain Opens Its Tenth Shop" },
      { line: 3, text: "The chain opened its tenth shop on Friday, in the old post office." },
      { line: 9, text: "Harbour Bakery Chain Opens Its Tenth Shop" },
    ];
    expect(chooseTitle(lines)?.index).toBe(1);
  });
});

describe("findFullDate and toDateTime", () => {
  const iso = (text: string) => {
    const found = findFullDate(text);
    return found ? toDateTime(found).value : undefined;
  };
  it("keeps the time zone a byline names", () => {
    expect(iso("By Priya Raman | Updated: January 15, 2020 14:55 IST")).toBe("2020-01-15T14:55:00+05:30");
    expect(iso("Sept. 8, 2017 5:04 p.m. ET")).toBe("2017-09-08T17:04:00-04:00");
    expect(iso("14 March 2024 18:05 GMT")).toBe("2024-03-14T18:05:00Z");
    expect(iso("2024-03-14T09:30:00+01:00")).toBe("2024-03-14T09:30:00+01:00");
  });
  it("gives noon UTC for a day without a time, and says so", () => {
    for (const line of ["September 8, 2017", "Fri September 08, 2017", "2017-09-08"])
      expect(iso(line)).toBe("2017-09-08T12:00:00Z");
    const found = findFullDate("September 8, 2017");
    expect(found && toDateTime(found).how).toContain("noon UTC");
  });
  it("reads dates in other languages, and flags a time with no zone", () => {
    const german = findFullDate("Veröffentlicht am 14. März 2024, 09:30 Uhr");
    expect(german?.language).toBe("German");
    expect(german && toDateTime(german)).toMatchObject({ value: "2024-03-14T09:30:00Z", zoneless: true });
    expect(iso("Publié le 12 mars 2024")).toBe("2024-03-12T12:00:00Z");
    expect(iso("12 de marzo de 2024")).toBe("2024-03-12T12:00:00Z");
  });
  it("takes no date without a year", () => {
    expect(findFullDate("Oct 14")).toBeUndefined();
    expect(findFullDate("on Friday")).toBeUndefined();
  });
});

describe("parseBy", () => {
  it("splits names, an agency and a date", () => {
    expect(parseBy("By Priya Raman, PTI | Updated: January 15, 2020 14:55 IST")).toMatchObject({
      authors: ["Priya Raman"],
      credits: ["PTI"],
      date: { kind: "updated", date: { year: 2020, month: 1, day: 15, offset: 330 } },
    });
    expect(parseBy("By Kenji Sato, Staff Writer")).toEqual({ authors: ["Kenji Sato"], credits: [] });
  });
  it("refuses a sentence that starts with By", () => {
    expect(parseBy("By March, the river had fallen two metres.")).toBeUndefined();
  });
});

describe("splitCaption", () => {
  it("splits the credit from the caption in each printed form", () => {
    expect(splitCaption("Rescuers in the rubble of Lahore. PHOTO: AFP")).toEqual({
      caption: "Rescuers in the rubble of Lahore.",
      credit: "AFP",
    });
    expect(splitCaption("A stall keeper arranges lanterns. (Photo: Kenji Sato)")).toEqual({
      caption: "A stall keeper arranges lanterns.",
      credit: "Kenji Sato",
    });
    expect(splitCaption("Lanterns at the night market in Koto | Image: City Hall")).toEqual({
      caption: "Lanterns at the night market in Koto",
      credit: "City Hall",
    });
  });
});

describe("breadcrumbs", () => {
  it("splits crumbs run together without spaces, and separated ones", () => {
    expect(breadcrumbs("HomeNational")).toEqual(["Home", "National"]);
    expect(breadcrumbs("HomeWorldSouth Asia")).toEqual(["Home", "World", "South Asia"]);
    expect(breadcrumbs("Home › World › Asia")).toEqual(["Home", "World", "Asia"]);
    expect(breadcrumbs("Homework pays off")).toBeUndefined();
  });
});

describe("readDateline", () => {
  it("reads the place, and the agency and the day when given", () => {
    expect(readDateline("ISLAMABAD: The federal cabinet on Friday approved a plan.")).toEqual({
      text: "ISLAMABAD:",
      place: "ISLAMABAD",
    });
    expect(readDateline("LISBON, Oct 14 (NNA) — Portugal switched on a wind farm.", 2023)).toMatchObject({
      place: "LISBON",
      agency: "NNA",
      date: { year: 2023, month: 10, day: 14 },
    });
    expect(readDateline("LISBON, Oct 14 (NNA) — Portugal switched on a wind farm.")).toMatchObject({ unread: "Oct 14" });
  });
  it("leaves an ordinary first sentence alone", () => {
    expect(readDateline("The federal cabinet on Friday approved a plan.")).toBeUndefined();
  });
});
