import type { Role } from "../db/schema/accounts";

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
    { to: "/admin/units", label: "单位管理" },
    { to: "/admin/categories", label: "单位类别" },
    { to: "/admin/orgs", label: "评估机构" },
    { to: "/admin/users", label: "用户管理" },
    { to: "/admin/audit", label: "审计日志" },
  ],
  department: [
    { to: "/", label: "首页" },
    { to: "/self", label: "年度自查" },
  ],
  evaluator: [{ to: "/", label: "首页" }],
  leader: [
    { to: "/", label: "首页" },
    { to: "/cycles", label: "考核年度" },
  ],
};
