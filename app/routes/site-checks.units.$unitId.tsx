import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CyclePicker } from "../components/CyclePicker";
import { contentDisposition } from "../services/evidence.server";
import { evaluationCycles, pickCycle } from "../services/evaluation-context.server";
import { unitSiteReportPdf } from "../services/site-check/report-pdf.server";
import { unitScreenshot, unitSiteReport, unitSnapshot } from "../services/site-check/site-check-pages.server";
import { requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { notFound, parseId, throwAsResponse } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "单位网站检查报告 - 政务公开绩效考核平台" }];

/**
 * A unit's website-check report; `?format=pdf` downloads it as PDF, `?snapshot=<observation id>`
 * that page's HTML snapshot as plain text, `?screenshot=<observation id>` a page's screenshot (PNG).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "spotCheck");
  const db = getDb();
  const unitId = parseId(params.unitId);
  const search = new URL(request.url).searchParams;
  const cycle = pickCycle(db, search.get("cycle"));
  if (!cycle) throw notFound("还没有已发布的考核年度。");
  try {
    const snapshot = search.get("snapshot");
    if (snapshot !== null) {
      const file = unitSnapshot(db, user, cycle, unitId, parseId(snapshot));
      return new Response(new Uint8Array(file.body), {
        headers: {
          "Content-Type": "text/plain; charset=utf-8",
          "Content-Disposition": contentDisposition("attachment", file.name),
          "X-Content-Type-Options": "nosniff",
        },
      });
    }
    const screenshot = search.get("screenshot");
    if (screenshot !== null) {
      const file = unitScreenshot(db, user, cycle, unitId, parseId(screenshot));
      return new Response(new Uint8Array(file.body), {
        headers: { "Content-Type": "image/png", "Content-Disposition": contentDisposition("attachment", file.name), "X-Content-Type-Options": "nosniff" },
      });
    }
    const report = unitSiteReport(db, user, cycle, unitId);
    if (search.get("format") === "pdf") {
      return new Response(new Uint8Array(await unitSiteReportPdf(report)), {
        headers: {
          "Content-Type": "application/pdf",
          "Content-Disposition": contentDisposition("attachment", `${cycle.year}年度${report.unit.name}网站检查报告.pdf`),
          "Cache-Control": "no-store",
        },
      });
    }
    return { cycles: evaluationCycles(db).map((c) => ({ id: c.id, year: c.year })), report };
  } catch (error) {
    throwAsResponse(error);
  }
}

const percent = (share: number) => `${(Math.round(share * 10000) / 100).toFixed(2)}%`;

export default function UnitSiteReport() {
  const { cycles, report: r } = useLoaderData<typeof loader>() as Exclude<Awaited<ReturnType<typeof loader>>, Response>;
  return (
    <>
      <h1>
        网站检查报告 · {r.unit.code} {r.unit.name} · {r.cycle.year}年度
      </h1>
      <CyclePicker cycles={cycles} current={r.cycle} />
      <p>
        <Link to={`/site-checks?cycle=${r.cycle.year}`}>返回网站检查</Link> ·{" "}
        <a href={`?cycle=${r.cycle.year}&format=pdf`} download>
          下载PDF
        </a>
      </p>
      {!r.window ? (
        <p className="muted">本年度尚未设置网站检查监测周期。</p>
      ) : (
        <section className="card" aria-labelledby="window-h">
          <h2 id="window-h">监测周期</h2>
          <p>
            {r.window.startsAt} 至 {r.window.endsAt}（北京时间）；每日访问 {r.window.visitsPerDay} 次；超时 {r.window.timeoutSeconds} 秒；检查深度 {r.window.depth}；每站最多 {r.window.pageBudget} 个页面；User-Agent <code>{r.window.userAgent}</code>
          </p>
        </section>
      )}
      {r.window && r.websites.length === 0 ? <p className="muted">该单位尚未登记网站。</p> : null}
      {r.websites.map((s) => (
        <section key={s.id} aria-labelledby={`site-${s.id}`}>
          <h2 id={`site-${s.id}`}>
            {s.name} <code>{s.url}</code>
          </h2>
          <h3>可访问性</h3>
          {s.availability ? (
            <p>
              访问 {s.availability.visits} 次，失败 {s.availability.failures} 次（{percent(s.availability.failureShare)}）；失败达到5%即为“站点无法访问”。
            </p>
          ) : (
            <p className="muted">尚未检查。</p>
          )}
          {s.visits.length > 0 ? (
            <details>
              <summary>每次访问</summary>
              <ul>
                {s.visits.map((v, i) => (
                  <li key={i}>
                    {v.at}：{v.outcome}
                    {v.ttfbMs !== null ? `，首字节 ${v.ttfbMs} 毫秒` : ""}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {s.home ? (
            <>
              <h3>栏目更新（检查时间 {s.crawledAt}）</h3>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">栏目</th>
                      <th scope="col">地址</th>
                      <th scope="col">最新信息日期</th>
                      <th scope="col">距检查日（天）</th>
                      <th scope="col">更新期限（天）</th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr>
                      <td>首页</td>
                      <td>{s.url}</td>
                      <td>{s.home.opened ? (s.home.newest ?? "未标注时间") : "无法打开"}</td>
                      <td></td>
                      <td>{s.home.limitDays}</td>
                    </tr>
                    {s.columns.map((c) => (
                      <tr key={c.url}>
                        <td>{c.kind}</td>
                        <td>{c.url}</td>
                        <td>{c.openFailed ? "无法打开" : c.items === 0 ? "空白栏目" : (c.newest ?? "未标注时间")}</td>
                        <td>{c.ageDays ?? ""}</td>
                        <td>{c.limitDays}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <h3>站内不可用链接</h3>
              <BrokenLinks links={s.brokenInternal} />
              <h3>外部不可用链接</h3>
              <BrokenLinks links={s.brokenExternal} />
              {s.unchecked > 0 ? <p className="muted">因页面数上限，另有 {s.unchecked} 个链接未检查。</p> : null}
              <details>
                <summary>网页快照（{s.snapshots.length}）</summary>
                <ul>
                  {s.snapshots.map((o) => (
                    <li key={o.id}>
                      {o.at} {o.url}：{o.outcome}，SHA-256 <code>{o.sha256}</code>{" "}
                      <a href={`?cycle=${r.cycle.year}&snapshot=${o.id}`} download>
                        下载快照
                      </a>
                    </li>
                  ))}
                </ul>
              </details>
              <h3>页面截图</h3>
              {s.screenshots.length > 0 ? (
                <ul>
                  {s.screenshots.map((o) => (
                    <li key={o.id}>
                      {o.at} {o.url}：{o.outcome}
                      {o.sha256 ? (
                        <>
                          ，PNG SHA-256 <code>{o.sha256}</code>{" "}
                          <a href={`?cycle=${r.cycle.year}&screenshot=${o.id}`} download>
                            下载截图
                          </a>
                        </>
                      ) : (
                        "，未能截图"
                      )}
                    </li>
                  ))}
                </ul>
              ) : r.screenshotsAvailable ? (
                <p className="muted">监测周期结束时截取首页和各栏目页面。</p>
              ) : (
                <p className="muted">本机未安装Chromium（CHROMIUM_PATH），仅保存HTML快照，不截图。</p>
              )}
            </>
          ) : null}
        </section>
      ))}
      <section aria-labelledby="proposals-h">
        <h2 id="proposals-h">检查发现及处理</h2>
        {r.proposals.length === 0 ? (
          <p className="muted">暂无检查发现。</p>
        ) : (
          <ul>
            {r.proposals.map((p) => (
              <li key={p.id}>
                {p.label}：{p.message}——{{ proposed: "待确认", confirmed: "已确认", dismissed: "不予采纳" }[p.status]}
                {p.decidedAt ? `（${p.decidedAt}）` : ""}
                {p.findingId ? `，抽查发现#${p.findingId}` : ""}
                {p.reason ? `，理由：${p.reason}` : ""}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function BrokenLinks({ links }: { links: { url: string; statusText: string; from: string }[] }) {
  if (links.length === 0) return <p className="muted">无。</p>;
  return (
    <ul>
      {links.map((l) => (
        <li key={`${l.url}|${l.from}`}>
          {l.url}（{l.statusText}），所在页面 {l.from}
        </li>
      ))}
    </ul>
  );
}
