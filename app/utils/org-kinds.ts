/**
 * Kinds of evaluation organisation. Outside *.server.ts because the organisations page renders the
 * list in the browser too (server modules are empty there).
 */
export const ORG_KINDS = ["第三方评估机构", "高校科研机构", "内部评估组", "其他"] as const;
