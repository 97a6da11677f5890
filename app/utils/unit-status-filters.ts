/**
 * The status filter of the units list, as offered by its filter form. Lives outside *.server.ts
 * because the page component renders it in the browser too (server modules are empty there).
 */
export const UNIT_STATUS_FILTERS = { all: "全部", active: "仅启用", inactive: "仅停用" } as const;
