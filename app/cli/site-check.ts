/**
 * npm run site:check -- --url <home page> [--column <kind>=<url> …] [--visits <n>] [--interval-ms <n>] [--allow-private] --out <report.json>
 * Runs the website checker once, without the database: `visits` timed visits of the home page,
 * then the crawl (freshness of the home page and of each column, broken links, late messages), and
 * writes {"url","checkedAt","availability","columns","brokenLinks","conditions"} to the file.
 * Exit 0 when the check ran, whatever it found; non-zero with a Chinese message when it could not
 * (bad arguments or address, a private address without --allow-private).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { issuingBody } from "../config.server";
import { checkHostResolves, checkUrl, SiteCheckRefused } from "../services/site-check/address-guard.server";
import { DEFAULT_SETTINGS, runCheck, siteCheckUserAgent, type ColumnPlan } from "../services/site-check/checker.server";
import { COLUMN_KINDS, DEFAULT_FRESHNESS_DAYS, isColumnKind } from "../services/site-check/rules";
import { writeFileAtomically } from "../utils/atomic-file.server";

const USAGE =
  "用法：npm run site:check -- --url <首页地址> [--column <栏目类型>=<栏目地址> …] [--visits <次数>] [--interval-ms <毫秒>] [--allow-private] --out <报告.json>";

const count = (name: string, min: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      if (!/^\d{1,9}$/.test(v) || Number(v) < min) {
        ctx.addIssue({ code: "custom", message: `${name} 须为不小于 ${min} 的整数（当前为“${v}”）` });
        return z.NEVER;
      }
      return Number(v);
    });

const argsSchema = z.object({
  url: z.string({ required_error: "请用 --url 指定网站首页地址" }).trim().min(1, "请用 --url 指定网站首页地址"),
  column: z
    .array(z.string())
    .default([])
    .transform((list, ctx) =>
      list.map((spec) => {
        const at = spec.indexOf("=");
        const kind = at < 0 ? "" : spec.slice(0, at).trim();
        if (!isColumnKind(kind)) {
          ctx.addIssue({ code: "custom", message: `--column 须写作 <栏目类型>=<栏目地址>，栏目类型为 ${COLUMN_KINDS.join("、")} 之一（当前为“${spec}”）` });
          return null;
        }
        return { kind, url: spec.slice(at + 1).trim(), freshnessDays: DEFAULT_FRESHNESS_DAYS[kind] } satisfies ColumnPlan;
      }),
    ),
  visits: count("--visits", 1, 1),
  "interval-ms": count("--interval-ms", 0, 1000),
  "allow-private": z.boolean().default(false),
  out: z.string({ required_error: "请用 --out 指定报告文件（.json）" }).trim().min(1, "请用 --out 指定报告文件（.json）"),
});

async function main(argv: string[]): Promise<number> {
  let raw: unknown;
  try {
    raw = parseArgs({
      args: argv,
      options: {
        url: { type: "string" },
        column: { type: "string", multiple: true },
        visits: { type: "string" },
        "interval-ms": { type: "string" },
        "allow-private": { type: "boolean" },
        out: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`参数有误：${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) {
    console.error(`参数有误：${parsed.error.issues.map((i) => i.message).join("；")}\n${USAGE}`);
    return 2;
  }
  const args = parsed.data;
  const columns = args.column.filter((c): c is ColumnPlan => c !== null);
  const allowPrivate = args["allow-private"];
  try {
    const home = checkUrl(args.url, allowPrivate);
    const plans = columns.map((c) => ({ ...c, url: checkUrl(c.url, allowPrivate).href }));
    for (const u of [home, ...plans.map((c) => new URL(c.url))]) await checkHostResolves(u, allowPrivate);
    const report = await runCheck({
      url: home.href,
      columns: plans,
      visits: args.visits,
      intervalMs: args["interval-ms"],
      settings: { ...DEFAULT_SETTINGS, userAgent: siteCheckUserAgent(issuingBody()), allowPrivate },
    });
    await writeFileAtomically(args.out, async (out) => {
      out.end(`${JSON.stringify(report, null, 2)}\n`);
    });
    console.log(`检查完成：${report.conditions.length} 个问题，报告已写入 ${args.out}`);
    return 0;
  } catch (error) {
    if (error instanceof SiteCheckRefused) {
      console.error(`无法检查：${error.message}`);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`网站检查出错：${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
