/**
 * @module cli/scrape/rules/boilerplate
 * Rules for the page furniture a scrape picks up around the story: site and app chrome, share and
 * comment prompts, reading times, advertisements, and the trailers that end the story ("Related
 * Stories", "Tags: …"). Each matches a whole line, so a sentence of the story that merely mentions
 * an app or a subscription is never taken for furniture.
 */
import { dropRule, type LineRule } from "./verdict";

// Site and app chrome: menu items and buttons, printed alone on their line.
const CHROME_WORDS = [
  "city",
  "epaper",
  "e-paper",
  "open in app",
  "open app",
  "subscribe",
  "subscribe now",
  "sign in",
  "sign up",
  "log in",
  "login",
  "register",
  "menu",
  "search",
  "home",
  "startseite",
  "accueil",
  "inicio",
  "live",
  "website",
  "trending",
  "trending now",
  "live tv",
  "newsletters?",
  "notifications",
  "skip to (?:main )?content",
  "back to top",
  "follow us(?: on [\\w ]+)?",
  "share",
  "share this(?: article| story)?",
  "print",
  "email",
  "e-mail",
  "copy link",
  "link copied",
  "facebook",
  "twitter",
  "x",
  "whatsapp",
  "linkedin",
  "telegram",
  "reddit",
  "listen(?: to this article)?",
  "font size",
  "a\\+ a-",
  "like this",
  "like",
  "loading\\.*",
];
const CHROME = new RegExp(`^(?:${CHROME_WORDS.join("|")})\\s*[:›»→>|]?$`, "i");

const APP_PROMO =
  /^(?:(?:download|get|install|open)(?: in)? (?:the |our )?(?:[\w-]+ ){0,3}app\b.{0,60}|.{0,60}\bbetter experience\b.{0,40}\bapp\b.{0,20})$/i;

const SHARE_PROMPT = new RegExp(
  `^(?:${[
    "leave a (?:reply|comment)",
    "post a comment",
    "add a comment",
    "post comment",
    "be the first to comment",
    "join the conversation",
    "your email address will not be published",
    "required fields are marked",
    "save my name, email",
    "(?:name|email|website|comment) ?\\*",
    "share (?:on|via|to) \\w+",
    "click to (?:share|email|print)",
    "share this:",
    "like this:",
  ].join("|")})`,
  "i",
);

const READING_TIME = /^\d+\s*(?:min|mins|minutes?)\.?\s+read$/i;
const ADVERTISEMENT =
  /^(?:advertisement|advert|sponsored|story continues below(?: advertisement)?|scroll to continue(?: with content)?)$/i;
const LONE_SOURCE = /^sources?\s*:?$/i;
// A link to another story set inside this one: "ALSO READ: Floods cut off …".
const INLINE_LINK = /^(?:also read|read also|read more|must read|also see|watch)\s*[:|–—-]\s*\S.*$/i;

const TRAILER_WORDS = [
  "related(?: stories| articles| news| posts| content| coverage| topics)?",
  "you may also like",
  "you might also like",
  "more (?:stories|news|from [\\w ]+)",
  "read more",
  "see all",
  "see more",
  "latest",
  "latest stories",
  "more stories",
  "recommended(?: for you)?",
  "most (?:read|popular|viewed)",
  "top stories",
  "don't miss",
  "also read",
  // A comments heading: what follows is readers' comments, not the story.
  "comments?",
  "\\d+ comments?",
  "comments? \\(\\d+\\)",
  // German, French, Spanish.
  "mehr zum thema",
  "das könnte sie auch interessieren",
  "lire aussi",
  "à lire aussi",
  "sur le même sujet",
  "te puede interesar",
  "noticias relacionadas",
];
const TRAILER = new RegExp(`^(?:${TRAILER_WORDS.join("|")})\\s*[:›»→>]?$`, "iu");
// Tags close the story on almost every layout: "Tags: Floods, Kerala" or a bare "Tags" label.
const TAGS = /^(?:tags?|topics?|keywords?)\s*(?::.*|$)/i;

/** Page furniture, each dropped alone. */
export const BOILERPLATE_RULES: readonly LineRule[] = [
  dropRule("chrome", CHROME, "site or app chrome: a menu item or button"),
  dropRule("app promo", APP_PROMO, "a promotion for the site's app"),
  dropRule("share prompt", SHARE_PROMPT, "a share or comment prompt"),
  dropRule("reading time", READING_TIME, "reading time: the site computes its own"),
  dropRule("advertisement", ADVERTISEMENT, "an advertisement's label"),
  dropRule("lone source", LONE_SOURCE, 'a lone "Source" label'),
  dropRule("inline link", INLINE_LINK, "a link to another story"),
];

/** The start of the page's tail: what follows is other stories, tags or comments. */
export const TRAILER_RULES: readonly LineRule[] = [
  {
    name: "trailer",
    match: (text) => (TRAILER.test(text) ? { kind: "trailer", reason: `the page's trailer ("${text}")` } : undefined),
  },
  {
    name: "tags",
    match: (text) => (TAGS.test(text) && text.length <= 300 ? { kind: "trailer", reason: "the page's tags" } : undefined),
  },
];
