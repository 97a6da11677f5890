import { daysBetween } from "./chinese-dates";
import type { FetchError } from "./http-fetch.server";
import type { LateMessage } from "./page-analysis";
import { HOME_FRESHNESS_DAYS, UNREACHABLE_SHARE, type ColumnKind, type Condition } from "./rules";

/**
 * The conditions a check's observations show (pure): the national rules applied to what was
 * seen. Each names the page it is about.
 */

export interface Availability {
  visits: number;
  failures: number;
  /** failures / visits (0 without visits). */
  failureShare: number;
}

export function availabilityOf(outcomes: readonly { failed: boolean }[]): Availability {
  const failures = outcomes.filter((o) => o.failed).length;
  return { visits: outcomes.length, failures, failureShare: outcomes.length === 0 ? 0 : failures / outcomes.length };
}

/** A link or page that could not be opened: its HTTP status, or what went wrong ("timeout", "dns-error", …). */
export interface BrokenLink {
  url: string;
  status: number | FetchError;
  /** The page the link was found on. */
  from: string;
  external: boolean;
}

export interface ColumnFinding {
  url: string;
  kind: ColumnKind;
  /** The newest dated entry, "YYYY-MM-DD". */
  newest: string | null;
  ageDays: number | null;
  /** No dated entry: 空白栏目 (no entries) or 未标注时间 (entries without dates), or the page did not open. */
  empty: boolean;
  /** Entries on the list page (0 when it did not open). */
  items: number;
  limitDays: number;
  /** The page could not be opened (then it is also a broken link). */
  openFailed: boolean;
  lateMessages: LateMessage[];
}

export interface HomeFinding {
  url: string;
  /** The home page opened for the content check. */
  opened: boolean;
  newest: string | null;
}

const percent = (share: number) => `${(Math.round(share * 10000) / 100).toFixed(2)}%`;

export function siteConditions(input: { home: HomeFinding; availability: Availability; columns: readonly ColumnFinding[]; brokenLinks: readonly BrokenLink[]; today: string; replyDays: number }): Condition[] {
  const { home, availability, today } = input;
  const out: Condition[] = [];
  if (availability.visits > 0 && availability.failureShare >= UNREACHABLE_SHARE) {
    out.push({
      code: "unreachable",
      url: home.url,
      message: `首页在${availability.visits}次访问中有${availability.failures}次无法访问（${percent(availability.failureShare)}），达到5%的“站点无法访问”标准`,
    });
  }
  if (home.opened && home.newest === null) out.push({ code: "home-stale", url: home.url, message: "首页未发现标注日期的信息，无法确认2周内有更新" });
  else if (home.opened && home.newest !== null && daysBetween(home.newest, today) > HOME_FRESHNESS_DAYS) {
    out.push({ code: "home-stale", url: home.url, message: `首页最新信息日期为${home.newest}，已${daysBetween(home.newest, today)}天未更新（超过${HOME_FRESHNESS_DAYS}天）` });
  }
  for (const c of input.columns) {
    if (c.openFailed) out.push({ code: "column-empty", url: c.url, message: `栏目“${c.kind}”页面无法打开，无法确认其更新情况` });
    else if (c.items === 0) out.push({ code: "column-empty", url: c.url, message: `栏目“${c.kind}”为空白栏目（没有信息条目）` });
    else if (c.newest === null) out.push({ code: "column-empty", url: c.url, message: `栏目“${c.kind}”的${c.items}条信息均未标注时间` });
    else if (c.ageDays !== null && c.ageDays > c.limitDays) {
      out.push({ code: "column-stale", url: c.url, message: `栏目“${c.kind}”最新信息日期为${c.newest}，已${c.ageDays}天未更新（超过${c.limitDays}天）` });
    }
    for (const m of c.lateMessages) {
      out.push({
        code: "unanswered",
        url: c.url,
        message:
          m.replied === null
            ? `留言（${m.asked}）超过${input.replyDays}天未回复：${m.text}`
            : `留言（${m.asked}）于${m.replied}才回复，超过${input.replyDays}天：${m.text}`,
      });
    }
  }
  for (const l of input.brokenLinks) {
    out.push({ code: "broken-link", url: l.url, message: `${l.external ? "外部链接" : "站内链接"}不可用（${brokenStatusText(l.status)}），所在页面：${l.from}` });
  }
  return out;
}

/** A broken link's status in words: "HTTP 404", "超时无响应", … */
export function brokenStatusText(status: BrokenLink["status"]): string {
  return typeof status === "number" ? `HTTP ${status}` : BROKEN_LABELS[status];
}

const BROKEN_LABELS: Record<FetchError, string> = {
  timeout: "超时无响应",
  "dns-error": "域名无法解析",
  "connection-error": "无法连接",
  "address-refused": "指向不允许访问的地址",
  "too-many-redirects": "重定向次数过多",
  "bad-redirect": "重定向地址无效",
};
