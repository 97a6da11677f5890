import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { CyclePicker } from "../components/CyclePicker";
import { FormOutcome } from "../components/FormOutcome";
import { ProposalTable, WebsiteEditor, WindowSettingsForm } from "../components/SiteCheckForms";
import { DomainError } from "../domain/domain-error";
import { may } from "../policy.server";
import { evaluationCycles, getCycle, pickCycle } from "../services/evaluation-context.server";
import { confirmProposal, dismissFormSchema, dismissProposal } from "../services/site-check/proposals.server";
import { WINDOW_STATE_LABELS } from "../services/site-check/rules";
import { siteCheckPage } from "../services/site-check/site-check-pages.server";
import { addColumn, addWebsite, columnFormSchema, removeColumn, removeWebsite, websiteFormSchema } from "../services/site-check/websites.server";
import { saveWindow, windowFormSchema } from "../services/site-check/windows.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { parseForm } from "../utils/form.server";
import { actionRefusal, badRequest, forbidden, parseId, throwAsResponse } from "../utils/http.server";

export const meta: MetaFunction = () => [{ title: "网站检查 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "spotCheck");
  const db = getDb();
  const cycle = pickCycle(db, new URL(request.url).searchParams.get("cycle"));
  const cycles = evaluationCycles(db).map((c) => ({ id: c.id, year: c.year }));
  if (!cycle) return { cycle: null, cycles, page: null };
  return { cycle: { id: cycle.id, year: cycle.year }, cycles, page: siteCheckPage(db, user, cycle) };
}

type ActionResult = { ok: true; intent: string; notice: string } | { ok: false; intent: string; fieldErrors: Record<string, string>; values: Record<string, string> };

const NOTICES: Record<string, string> = {
  window: "监测设置已保存。",
  website: "网站已登记。",
  column: "栏目已登记。",
  removeWebsite: "网站已删除。",
  removeColumn: "栏目已删除。",
  confirm: "已确认，检查发现已转为抽查发现。",
  dismiss: "已记录不予采纳的理由。",
};

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "spotCheck");
  const db = getDb();
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (!(intent in NOTICES)) throw badRequest("未知的操作。");
  if (!["confirm", "dismiss"].includes(intent) && !may(user, "write", "evaluationManagement")) throw forbidden("只有政务公开办可以设置网站检查。");
  const actor = actorOf(user);
  const fail = (fieldErrors: Record<string, string>, status: number) => data<ActionResult>({ ok: false, intent, fieldErrors, values: Object.fromEntries([...form].map(([k, v]) => [k, String(v)])) }, { status });
  try {
    if (intent === "window") {
      const cycle = getCycle(db, parseId(String(form.get("cycleId") ?? "")));
      const parsed = parseForm(windowFormSchema, form);
      if (!parsed.ok) return fail(parsed.fieldErrors, 400);
      const version = String(form.get("version") ?? "");
      saveWindow(db, actor, cycle.id, parsed.data, /^\d+$/.test(version) ? Number(version) : null);
    } else if (intent === "website") {
      const parsed = parseForm(websiteFormSchema, form);
      if (!parsed.ok) return fail(parsed.fieldErrors, 400);
      addWebsite(db, actor, parsed.data);
    } else if (intent === "column") {
      const parsed = parseForm(columnFormSchema, form);
      if (!parsed.ok) return fail(parsed.fieldErrors, 400);
      addColumn(db, actor, parsed.data);
    } else if (intent === "removeWebsite") {
      removeWebsite(db, actor, parseId(String(form.get("websiteId") ?? "")));
    } else if (intent === "removeColumn") {
      removeColumn(db, actor, parseId(String(form.get("columnId") ?? "")));
    } else if (intent === "confirm") {
      confirmProposal(db, actor, user, parseId(String(form.get("proposalId") ?? "")));
    } else {
      const proposalId = parseId(String(form.get("proposalId") ?? ""));
      const parsed = parseForm(dismissFormSchema, form);
      if (!parsed.ok) return fail(parsed.fieldErrors, 400);
      dismissProposal(db, actor, user, proposalId, parsed.data.reason);
    }
    return data<ActionResult>({ ok: true, intent, notice: NOTICES[intent] });
  } catch (error) {
    if (error instanceof DomainError && error.code === "notFound") throwAsResponse(error);
    const r = actionRefusal(error);
    return fail(r.fieldErrors, r.status);
  }
}

export default function SiteChecks() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  if (!d.cycle || !d.page) return <p className="muted">还没有已发布的考核年度。</p>;
  const p = d.page;
  const errorsFor = (intent: string) => (a && !a.ok && a.intent === intent ? a.fieldErrors : {});
  return (
    <>
      <h1>网站检查 · {d.cycle.year}年度</h1>
      <CyclePicker cycles={d.cycles} current={d.cycle} />
      <p className="muted">
        平台在监测周期内定时访问各单位网站首页，检查栏目更新、空白栏目、链接可用性和留言回复，每次观测保存网址、北京时间、状态和网页快照（SHA-256）。检查发现须由抽中该单位的检查人员确认后才计入扣分。
      </p>
      <FormOutcome notice={a?.ok ? a.notice : undefined} error={a && !a.ok ? a.fieldErrors._form : undefined} />
      {p.progress ? (
        <section className="card" aria-labelledby="progress-h">
          <h2 id="progress-h">监测进度</h2>
          <p>
            状态：{WINDOW_STATE_LABELS[p.progress.state]}；网站 {p.progress.websites} 个；访问 {p.progress.visitsDone}/{p.progress.plannedVisits} 次；已完成栏目与链接检查 {p.progress.crawlsDone} 个网站；检查发现 {p.progress.proposed} 条。
          </p>
          {p.progress.refused.length > 0 ? (
            <ul>
              {p.progress.refused.map((r) => (
                <li key={r.websiteId}>
                  未检查 {r.url}：{r.reason}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
      {p.office && p.window ? <WindowSettingsForm cycleId={d.cycle.id} settings={p.window} batches={p.batches} errors={errorsFor("window")} /> : null}
      {p.office ? <WebsiteEditor websites={p.websites} units={p.units} errors={{ ...errorsFor("website"), ...errorsFor("column") }} year={d.cycle.year} /> : null}
      <section aria-labelledby="proposals-h">
        <h2 id="proposals-h">检查发现（待确认）</h2>
        <ProposalTable proposals={p.proposals} year={d.cycle.year} errors={errorsFor("dismiss")} />
      </section>
      {p.office ? (
        <p>
          <Link to="/spotchecks">前往抽查</Link>（网站检查发现确认后记为所指定抽查批次的抽查发现）
        </p>
      ) : null}
    </>
  );
}
