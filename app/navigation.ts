import type { Role } from "../db/schema/accounts";
import { EVALUATION_NAV } from "./domain/evaluation-labels";

export interface NavItem {
  to: string;
  label: string;
}

/** Role-specific navigation, as data. Later modules add their entries here. */
export const NAVIGATION: Record<Role, NavItem[]> = {
  office: [
    { to: "/", label: "首页" },
    { to: "/cycles", label: "考核年度" },
    { to: "/submissions", label: "自查审核" },
    { to: "/results", label: "考核结果" },
    { to: "/dashboard", label: "领导看板" },
    EVALUATION_NAV.assignments,
    EVALUATION_NAV.spotChecks,
    { to: "/site-checks", label: "网站检查" },
    EVALUATION_NAV.rectifications,
    EVALUATION_NAV.appeals,
    { to: "/admin/units", label: "单位管理" },
    { to: "/admin/categories", label: "单位类别" },
    { to: "/admin/orgs", label: "评估机构" },
    { to: "/admin/users", label: "用户管理" },
    { to: "/admin/notifications", label: "消息提醒" },
    { to: "/admin/audit", label: "审计日志" },
  ],
  department: [
    { to: "/", label: "首页" },
    { to: "/self", label: "年度自查" },
    // The score cards (every lost point with its reason); appeals are made on their own page, also linked from a score card.
    { to: "/results", label: "考核结果" },
    EVALUATION_NAV.appeals,
    EVALUATION_NAV.rectifications,
  ],
  evaluator: [{ to: "/", label: "首页" }, EVALUATION_NAV.queue, { to: "/site-checks", label: "网站检查" }, EVALUATION_NAV.rectifications],
  leader: [
    { to: "/", label: "首页" },
    { to: "/cycles", label: "考核年度" },
    { to: "/dashboard", label: "领导看板" },
    { to: "/results", label: "考核结果" },
  ],
};
