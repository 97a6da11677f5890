/**
 * Command-line options of the indicator CLIs: --cycle <year>, --category <name>, --out <file>,
 * --create-categories (import only), one positional file.
 */
export interface IndicatorArgs {
  year: number | null;
  category: string | undefined;
  out: string | undefined;
  createCategories: boolean;
  files: string[];
  problems: string[];
}

export function parseIndicatorArgs(argv: string[]): IndicatorArgs {
  const args: IndicatorArgs = { year: null, category: undefined, out: undefined, createCategories: false, files: [], problems: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") continue;
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (flag === "--cycle" || flag === "--category" || flag === "--out") {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "") {
        args.problems.push(`${flag} 后须跟一个值`);
        continue;
      }
      if (flag === "--cycle") {
        if (!/^\d{4}$/.test(value)) args.problems.push(`--cycle 须为四位年份，如 2026，不能是“${value}”`);
        else args.year = Number(value);
      } else if (flag === "--category") args.category = value;
      else args.out = value;
    } else if (a === "--create-categories") args.createCategories = true;
    else if (a.startsWith("--")) args.problems.push(`未知的选项 ${a}`);
    else args.files.push(a);
  }
  if (args.year === null && !args.problems.some((p) => p.startsWith("--cycle"))) args.problems.push("缺少 --cycle <年份>");
  return args;
}
