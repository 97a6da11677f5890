import * as cheerio from "cheerio";
import { daysBetween, extractDates } from "./chinese-dates";

/**
 * What the checker reads from a fetched page (pure; no script in the page is ever run): its links,
 * the newest dated item of a list, and the messages of an interaction column with their dates.
 */

/** Items of a list page: list entries and table rows that link somewhere (a 栏目's 信息条目). */
const ITEM_SELECTOR = "li, tr, dd";

/** Text of an element with its children's texts kept apart (so "标题</a><span>2026-11-20" does not run together). */
function textOf($: cheerio.CheerioAPI, el: Parameters<cheerio.CheerioAPI>[0]): string {
  return $(el)
    .find("*")
    .addBack()
    .contents()
    .filter((_, n) => n.type === "text")
    .map((_, n) => $(n).text())
    .get()
    .join(" ");
}

function leafItems($: cheerio.CheerioAPI) {
  // The innermost items only: a <li> holding a nested list is a container, not an entry.
  return $(ITEM_SELECTOR).filter((_, el) => $(el).find(ITEM_SELECTOR).length === 0);
}

export interface ListFreshness {
  /** Entries found (list items or rows with a link). */
  items: number;
  /** The newest date shown on an entry, "YYYY-MM-DD", not after `today`; null when no entry shows one. */
  newest: string | null;
}

/** The newest dated entry of a list page (dates after `today` are ignored as misprints). */
export function listFreshness(html: string, today: string): ListFreshness {
  const $ = cheerio.load(html);
  let items = 0;
  let newest: string | null = null;
  leafItems($).each((_, el) => {
    if ($(el).find("a[href]").length === 0) return;
    items++;
    for (const day of extractDates(textOf($, el), today)) if (day <= today && (newest === null || day > newest)) newest = day;
  });
  return { items, newest };
}

/** The http(s) links of a page, absolute, without fragments, each once, in page order. */
export function pageLinks(html: string, baseUrl: string): string[] {
  const $ = cheerio.load(html);
  const base = $("base[href]").attr("href");
  const resolvedBase = base && URL.canParse(base, baseUrl) ? new URL(base, baseUrl).href : baseUrl;
  const seen = new Set<string>();
  $("a[href]").each((_, el) => {
    const href = ($(el).attr("href") ?? "").trim();
    // Not a URL at all (e.g. "http://"): nothing to follow.
    if (!href || href.startsWith("#") || !URL.canParse(href, resolvedBase)) return;
    const url = new URL(href, resolvedBase);
    if (url.protocol !== "http:" && url.protocol !== "https:") return;
    url.hash = "";
    seen.add(url.href);
  });
  return [...seen];
}

export interface LateMessage {
  /** The date the message was left. */
  asked: string;
  /** The reply's date, null when the page shows none. */
  replied: string | null;
  /** The entry's text (first 80 characters) to name it. */
  text: string;
}

const NO_REPLY = /未回复|待回复|尚未回复|未答复|待答复|暂无回复|办理中/;

/**
 * Messages of an interaction column (留言/咨询) answered late or not at all: an entry showing two
 * dates is read as (left, replied) and is late when the reply came more than `replyDays` after;
 * an entry with one date marked as unanswered is late when more than `replyDays` have passed.
 */
export function lateMessages(html: string, today: string, replyDays: number): LateMessage[] {
  const $ = cheerio.load(html);
  const late: LateMessage[] = [];
  leafItems($).each((_, el) => {
    const text = textOf($, el).replace(/\s+/g, " ").trim();
    const dates = extractDates(text, today).filter((d) => d <= today);
    if (dates.length === 0) return;
    const [asked, replied] = dates;
    const name = text.slice(0, 80);
    if (replied !== undefined && daysBetween(asked, replied) > replyDays) late.push({ asked, replied, text: name });
    else if (replied === undefined && NO_REPLY.test(text) && daysBetween(asked, today) > replyDays) late.push({ asked, replied: null, text: name });
  });
  return late;
}
