import PDFDocument from "pdfkit";
import { cjkFont } from "../results-export/pdf.server";
import type { unitSiteReport } from "./site-check-pages.server";

/** A unit's website-check report as PDF (the same content as its page), with the platform's Chinese font. */

type Report = ReturnType<typeof unitSiteReport>;

const MARGIN = 40;
const STATUS = { proposed: "待确认", confirmed: "已确认", dismissed: "不予采纳" } as const;
const percent = (share: number) => `${(Math.round(share * 10000) / 100).toFixed(2)}%`;

export function unitSiteReportPdf(r: Report): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, info: { Title: `${r.cycle.year}年度${r.unit.name}网站检查报告`, Creator: "政务公开绩效考核平台" } });
  doc.registerFont("cjk", cjkFont());
  doc.font("cjk");
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const heading = (text: string) => doc.moveDown(0.6).fontSize(12).fillColor("#000").text(text);
  const line = (text: string) => doc.fontSize(9).fillColor("#222").text(text);

  doc.fontSize(16).text(`${r.cycle.year}年度网站检查报告`, { align: "center" });
  doc.fontSize(11).text(`${r.unit.code} ${r.unit.name}`, { align: "center" });
  if (!r.window) line("本年度尚未设置网站检查监测周期。");
  else {
    heading("监测周期");
    line(`${r.window.startsAt} 至 ${r.window.endsAt}（北京时间）；每日访问 ${r.window.visitsPerDay} 次；超时 ${r.window.timeoutSeconds} 秒；检查深度 ${r.window.depth}；每站最多 ${r.window.pageBudget} 个页面`);
  }
  for (const s of r.websites) {
    heading(`${s.name}  ${s.url}`);
    line(s.availability ? `可访问性：访问 ${s.availability.visits} 次，失败 ${s.availability.failures} 次（${percent(s.availability.failureShare)}）` : "可访问性：尚未检查");
    if (s.home) {
      line(`栏目更新（检查时间 ${s.crawledAt}）：首页最新信息 ${s.home.opened ? (s.home.newest ?? "未标注时间") : "无法打开"}`);
      for (const c of s.columns) {
        const state = c.openFailed ? "无法打开" : c.items === 0 ? "空白栏目" : c.newest === null ? "未标注时间" : `最新 ${c.newest}，${c.ageDays} 天前（期限 ${c.limitDays} 天）`;
        line(`  ${c.kind}  ${c.url}：${state}`);
      }
      line(`站内不可用链接 ${s.brokenInternal.length} 个，外部不可用链接 ${s.brokenExternal.length} 个`);
      for (const l of [...s.brokenInternal, ...s.brokenExternal]) line(`  ${l.url}（${l.statusText}），所在页面 ${l.from}`);
    }
  }
  heading("检查发现及处理");
  if (r.proposals.length === 0) line("暂无检查发现。");
  for (const p of r.proposals) {
    line(`${p.label}：${p.message} —— ${STATUS[p.status]}${p.decidedAt ? `（${p.decidedAt}）` : ""}${p.findingId ? `，抽查发现#${p.findingId}` : ""}${p.reason ? `，理由：${p.reason}` : ""}`);
    if (p.evidence) line(`  证据：${p.evidence}`);
  }
  doc.end();
  return done;
}
