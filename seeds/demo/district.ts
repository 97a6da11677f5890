/** The demo district: categories, units (in unit order), the evaluation organisation and its evaluators. */
export const DEMO_PASSWORD = "Demo#2026";
/**
 * scrypt hash of DEMO_PASSWORD (app/utils/password.server.ts format), computed once: seeding the
 * demo stays synchronous and costs no scrypt per account. Every demo account shares it (and its
 * salt) — demo data only, never seeded in production.
 */
export const DEMO_PASSWORD_HASH = "scrypt$32768$8$1$clw5tyApGziJEN12xZurog==$g3atHKYwhrI2imnIUrHHoejiOVhMxdLHz62o+rbj8bY=";

export const DEMO_CATEGORIES = ["街道办事处", "区级部门"] as const;

export const DEMO_UNITS: { code: string; name: string; category: (typeof DEMO_CATEGORIES)[number] }[] = [
  { code: "JD001", name: "城关街道办事处", category: "街道办事处" },
  { code: "JD002", name: "东湖街道办事处", category: "街道办事处" },
  { code: "JD003", name: "西山街道办事处", category: "街道办事处" },
  { code: "JD004", name: "南苑街道办事处", category: "街道办事处" },
  { code: "JD005", name: "北城街道办事处", category: "街道办事处" },
  { code: "JD006", name: "新华街道办事处", category: "街道办事处" },
  { code: "BM001", name: "区教育局", category: "区级部门" },
  { code: "BM002", name: "区卫生健康局", category: "区级部门" },
  { code: "BM003", name: "区交通运输局", category: "区级部门" },
  { code: "BM004", name: "区住房和城乡建设局", category: "区级部门" },
  { code: "BM005", name: "区市场监督管理局", category: "区级部门" },
  { code: "BM006", name: "区人力资源和社会保障局", category: "区级部门" },
  { code: "BM007", name: "区民政局", category: "区级部门" },
  { code: "BM008", name: "区生态环境分局", category: "区级部门" },
];

export const DEMO_ORG = { name: "明湖政务公开第三方评估中心", kind: "第三方评估机构" };

/** eval-004 is bound to 区教育局 (BM001): it must never be assigned to score it. */
export const DEMO_EVALUATORS: { username: string; displayName: string; unitCode?: string }[] = [
  { username: "eval-001", displayName: "评估员 王敏" },
  { username: "eval-002", displayName: "评估员 李强" },
  { username: "eval-003", displayName: "评估员 张丽" },
  { username: "eval-004", displayName: "评估员 刘洋", unitCode: "BM001" },
];
