/**
 * The national website-check rules the checker applies (国务院办公厅 政府网站检查): column kinds with
 * their default freshness limits, the availability threshold and the condition codes. Client-safe.
 */

export const COLUMN_KINDS = ["动态要闻", "通知公告", "政策文件", "政策解读", "互动回应", "其他"] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export function isColumnKind(value: string): value is ColumnKind {
  return (COLUMN_KINDS as readonly string[]).includes(value);
}

/** Default freshness limit of each kind, in days (动态要闻 2 weeks, 通知公告/政策文件 6 months). */
export const DEFAULT_FRESHNESS_DAYS: Record<ColumnKind, number> = {
  动态要闻: 14,
  通知公告: 183,
  政策文件: 183,
  政策解读: 183,
  互动回应: 183,
  其他: 183,
};

/** The home page must show a new item within 2 weeks. */
export const HOME_FRESHNESS_DAYS = 14;
/** A message must be answered within this many days (3 months) unless the unit's rule says otherwise. */
export const DEFAULT_REPLY_DAYS = 90;
/** Failures of at least this share of the visits → 站点无法访问. */
export const UNREACHABLE_SHARE = 0.05;

export const CONDITION_CODES = ["unreachable", "home-stale", "column-stale", "column-empty", "broken-link", "unanswered"] as const;
export type ConditionCode = (typeof CONDITION_CODES)[number];

/** A monitoring window's state, in words. */
export const WINDOW_STATE_LABELS = { scheduled: "未开始", running: "监测中", ended: "已结束" } as const;

export const CONDITION_LABELS: Record<ConditionCode, string> = {
  unreachable: "站点无法访问",
  "home-stale": "首页长期不更新",
  "column-stale": "栏目不更新",
  "column-empty": "空白栏目或未标注时间",
  "broken-link": "链接不可用",
  unanswered: "留言未回复或回复超期",
};

export interface Condition {
  code: ConditionCode;
  message: string;
  url: string;
}
