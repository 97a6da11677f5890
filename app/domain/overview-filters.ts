/** Filters of the office's self-inspection overview (自查审核), shared by the page and its loader. */
export const OVERVIEW_FILTERS = ["all", "overdue", "returned", "not_started", "draft", "submitted"] as const;
export type OverviewFilter = (typeof OVERVIEW_FILTERS)[number];

export const OVERVIEW_FILTER_LABELS: Record<OverviewFilter, string> = {
  all: "全部",
  overdue: "已逾期",
  returned: "退回修改",
  not_started: "未开始",
  draft: "填报中",
  submitted: "已提交",
};
