import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { EXPORT_FORMAT_LABELS, EXPORT_FORMATS } from "../domain/export-formats";
import { KIND_LABELS } from "../domain/results-view";
import { noticeFormSchema } from "../domain/notice-form";
import { noticeState, saveNotice } from "../services/notices.server";
import { setPublicPage } from "../services/public-results.server";
import { cycleByYearOr404, departmentCycles, listedCycleOr404, rankingPage, resultCycles } from "../services/results-pages.server";
import { computeCycleResultsInWorker } from "../services/results-worker.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formValues, parseForm } from "../utils/form.server";
import { actionRefusal, orRefusalResponse } from "../utils/http.server";
import { CategoryFilter } from "../components/CategoryFilter";
import { NoticePanel } from "../components/NoticePanel";
import { RankingTable } from "../components/RankingTable";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "考核结果 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "unitResults");
  const db = getDb();
  if (user.role === "department") {
    return { mode: "department" as const, unitId: user.unitId, unitName: user.unitName, cycles: departmentCycles(db, user) };
  }
  const url = new URL(request.url);
  const cycles = resultCycles(db);
  const year = url.searchParams.get("cycle") ?? String(cycles.find((c) => c.kind !== null)?.year ?? cycles[0]?.year ?? "");
  if (!year) return { mode: "empty" as const };
  const cycle = orRefusalResponse(() => listedCycleOr404(cycles, year));
  const query = { category: url.searchParams.get("category"), q: url.searchParams.get("q"), page: url.searchParams.get("page") };
  const notice = noticeState(db, cycle);
  const office = user.role === "office";
  return {
    mode: "ranking" as const,
    cycles,
    ...rankingPage(db, user, cycle, query),
    // Leaders see the downloads; the office also the form while the cycle is 已定稿.
    notice: notice && { saved: notice.saved, form: office && notice.editable ? notice.form : null },
  };
}

const actionSchema = z.object({
  intent: z.enum(["compute", "publish", "unpublish", "notice"], { message: "未知操作" }),
  year: z.string().regex(/^\d{4}$/, "年度有误"),
});

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "results");
  const formData = await request.formData();
  const parsed = actionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return data({ ok: false, message: parsed.error.issues[0].message }, { status: 400 });
  const db = getDb();
  const cycle = orRefusalResponse(() => cycleByYearOr404(db, parsed.data.year));
  const actor = actorOf(user);
  switch (parsed.data.intent) {
    case "compute": {
      const out = await computeCycleResultsInWorker(db, cycle.id, actor);
      if (!out.ok) return data({ ok: false, message: [out.message, ...out.errors.slice(0, 5).map((e) => `${e.path}：${e.message}`)].join("；") }, { status: out.status });
      const tail = out.incomplete.length > 0 ? `；${out.incomplete.length}个单位尚未评估完成，未计入` : "";
      const what = out.unchanged ? "数据未变化，结果保持不变" : `已计算 ${out.units} 个单位（重新评分 ${out.rescored} 个）`;
      return { ok: true, message: `${what}${tail}。` };
    }
    case "publish":
    case "unpublish": {
      try {
        setPublicPage(db, actor, cycle.id, parsed.data.intent === "publish");
      } catch (error) {
        const r = actionRefusal(error);
        return data({ ok: false, message: r.fieldErrors._form }, { status: r.status });
      }
      return { ok: true, message: parsed.data.intent === "publish" ? "公开通报页面已开启。" : "公开通报页面已关闭。" };
    }
    case "notice": {
      const form = parseForm(noticeFormSchema, formData);
      if (!form.ok) return data({ ok: false, message: "通报未保存，请按提示修改。", fieldErrors: form.fieldErrors, values: form.values }, { status: 400 });
      try {
        saveNotice(db, actor, cycle.id, form.data);
      } catch (error) {
        const r = actionRefusal(error);
        return data({ ok: false, message: "通报未保存。", fieldErrors: r.fieldErrors, values: formValues(formData) }, { status: r.status });
      }
      return { ok: true, message: "通报已保存，可下载 Word 或 PDF 格式。" };
    }
  }
}

export default function ResultsPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (d.mode === "empty") return <h1>考核结果</h1>;
  if (d.mode === "department") {
    return (
      <div>
        <h1>考核结果</h1>
        <p className="muted">初步结果公布后，可在此查看{d.unitName}的得分明细及每一处失分的原因。</p>
        {d.cycles.length === 0 ? (
          <p className="card">暂无已公布的考核结果。</p>
        ) : (
          <ul className="card">
            {d.cycles.map((c) => (
              <li key={c.id}>
                <Link to={`/results/${c.year}/units/${d.unitId}`}>{c.title}</Link>（{c.statusLabel}）
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  const year = d.cycle.year;
  return (
    <div>
      <h1>考核结果</h1>
      <Form method="get" className="toolbar">
        <label className="field">
          考核年度
          <select name="cycle" defaultValue={year}>
            {d.cycles.map((c) => (
              <option key={c.id} value={c.year}>
                {c.year}年度（{c.statusLabel}
                {c.kind ? `，${KIND_LABELS[c.kind]}` : "，未计算"}）
              </option>
            ))}
          </select>
        </label>
        <CategoryFilter categories={d.categories} current={d.category} />
        <label className="field">
          单位名称或编码
          <input type="search" name="q" defaultValue={d.q} maxLength={50} />
        </label>
        <button type="submit">查看</button>
        <Link to={`/dashboard?cycle=${year}`}>领导看板</Link>
        {d.meta ? <Link to={`/results/${year}/losses`}>失分分析</Link> : null}
      </Form>

      {actionData ? <p className={actionData.ok ? "notice" : "form-error"} role={actionData.ok ? "status" : "alert"}>{actionData.message}</p> : null}

      <section className="card">
        <h2>
          {d.cycle.title}
          {d.meta ? <span className="badge">{KIND_LABELS[d.meta.kind]}</span> : null}
        </h2>
        {d.meta ? (
          <p className="muted">
            计算于 {formatBeijingTime(d.meta.computedAt)}
            {d.meta.computedByName ? `（${d.meta.computedByName}）` : ""}
            {d.meta.packageSha256 ? (
              <>
                ；评估数据包 SHA-256：<code>{d.meta.packageSha256}</code>
              </>
            ) : (
              "；评估数据包 SHA-256 在导出时生成"
            )}
          </p>
        ) : (
          <p className="muted">本年度尚未计算考核结果{d.cycle.status === "draft" ? "（发布后方可计算）" : ""}。</p>
        )}
        <div className="inline-form">
          {d.canCompute ? (
            <Form method="post">
              <input type="hidden" name="year" value={year} />
              <button type="submit" name="intent" value="compute" disabled={busy}>
                {d.meta ? "重新计算初步结果" : "计算初步结果"}
              </button>
            </Form>
          ) : null}
          {d.canPublish ? (
            <Form method="post">
              <input type="hidden" name="year" value={year} />
              <button type="submit" name="intent" value={d.publicEnabled ? "unpublish" : "publish"} disabled={busy}>
                {d.publicEnabled ? "关闭公开通报页面" : "开启公开通报页面"}
              </button>
            </Form>
          ) : null}
          {d.publicEnabled ? <Link to={`/public/results/${year}`}>查看公开通报</Link> : null}
        </div>
        {d.meta ? (
          <nav aria-label="下载" className="inline-form">
            下载：
            {EXPORT_FORMATS.map((f) => (
              <a key={f} href={`/results/${year}/export/${f}`} download>
                {EXPORT_FORMAT_LABELS[f]}
              </a>
            ))}
            <a href={`/results/${year}/export/package?anonymise=1`} download>
              匿名数据包
            </a>
          </nav>
        ) : null}
      </section>

      {d.notice ? (
        <NoticePanel
          year={year}
          saved={d.notice.saved}
          form={d.notice.form}
          errors={actionData && "fieldErrors" in actionData ? (actionData.fieldErrors as Record<string, string>) : {}}
          values={actionData && "values" in actionData ? (actionData.values as Record<string, string> | null) : null}
          busy={busy}
        />
      ) : null}

      {d.meta ? (
        <div className="table-wrap card">
          <RankingTable
            year={year}
            rows={d.rows}
            dimensions={d.dimensions}
            grades={d.grades}
            category={d.category}
            q={d.q}
            total={d.total}
            page={d.page}
            pages={d.pages}
            notEvaluated={d.notEvaluated}
            penalty={d.penalty}
          />
          {d.pages > 1 ? <Pager year={year} category={d.category} q={d.q} page={d.page} pages={d.pages} /> : null}
        </div>
      ) : null}
    </div>
  );
}

/** Page links of the ranking (first, previous, a window around the current page, next, last); filters stay in the URL. */
function Pager({ year, category, q, page, pages }: { year: number; category: string | null; q: string; page: number; pages: number }) {
  const href = (p: number) => {
    const params = new URLSearchParams({ cycle: String(year) });
    if (category) params.set("category", category);
    if (q) params.set("q", q);
    params.set("page", String(p));
    return `?${params.toString()}`;
  };
  const window = [];
  for (let p = Math.max(1, page - 3); p <= Math.min(pages, page + 3); p++) window.push(p);
  return (
    <nav aria-label="分页" className="inline-form">
      {page > 1 ? <Link to={href(1)}>首页</Link> : null}
      {page > 1 ? <Link to={href(page - 1)}>上一页</Link> : null}
      {window.map((p) =>
        p === page ? (
          <span key={p} aria-current="page">
            {p}
          </span>
        ) : (
          <Link key={p} to={href(p)}>
            {p}
          </Link>
        ),
      )}
      {page < pages ? <Link to={href(page + 1)}>下一页</Link> : null}
      {page < pages ? <Link to={href(pages)}>末页</Link> : null}
    </nav>
  );
}
