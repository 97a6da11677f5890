import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { cycleAllows } from "../domain/cycle-capabilities";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useOutlet } from "@remix-run/react";
import { z } from "zod";
import {
  CycleBasicsForm,
  CycleCalendarForm,
  CycleScheduleForm,
  CycleSettingsForm,
  type CycleActionResult,
} from "../components/CycleSettingsForms";
import { CycleStatusPanel } from "../components/CycleStatusPanel";
import { calendarCoverage } from "../domain/calendar-coverage";
import { defaultCalendar, officialArrangement } from "../services/holiday-arrangements.server";
import { CYCLE_FIELDS, CYCLE_STATUS_HINTS, CYCLE_STATUS_LABELS, isEditable } from "../domain/cycle-status";
import { CYCLE_STATUSES } from "../../db/schema/cycles";
import {
  addIndicatorSet,
  categoriesWithoutSet,
  cycleOr404,
  listTransitions,
  nextSteps,
  summarizeCycleSets,
  transitionCycleInWorker,
  updateCycle,
  type CycleRow,
  type TransitionResult,
} from "../services/cycles.server";
import { actorOf, requireAccess, type SessionUser } from "../utils/auth.server";
import { formValues } from "../utils/form.server";
import { actionRefusal, badRequest, parseId, throwAsResponse } from "../utils/http.server";
import { getDb } from "../utils/db.server";
import { DomainError } from "../domain/domain-error";
import { may } from "../policy.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? `${data.cycle.year}年度考核` : "考核年度"} - 政务公开绩效考核平台` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "cycle");
  try {
    return overview(user, cycleOr404(parseId(params.cycleId), getDb()));
  } catch (error) {
    throwAsResponse(error);
  }
}

function overview(user: SessionUser, cycle: CycleRow) {
  const canEdit = may(user, "write", "cycle");
  const copiedFrom = cycle.copiedFromId ? cycleOr404(cycle.copiedFromId, getDb()) : null;
  return {
    cycle: {
      id: cycle.id,
      year: cycle.year,
      title: cycle.title,
      status: cycle.status,
      opennessWeightPct: cycle.opennessWeightPct,
      settings: cycle.settings,
      calendar: cycle.calendar,
      selfInspectionDue: cycle.selfInspectionDue,
      spotCheckStart: cycle.spotCheckStart,
      spotCheckEnd: cycle.spotCheckEnd,
      appealWindowDays: cycle.appealWindowDays,
      publishedAt: cycle.publishedAt,
      updatedAt: cycle.updatedAt,
      copiedFrom: copiedFrom ? { id: copiedFrom.id, year: copiedFrom.year } : null,
    },
    calendarStatus: {
      year: cycle.year,
      knownYears: [cycle.year, cycle.year + 1].filter((y) => officialArrangement(y) !== null),
      ...calendarCoverage(cycle.calendar, cycle.year),
    },
    statusLabel: CYCLE_STATUS_LABELS[cycle.status],
    statusHint: CYCLE_STATUS_HINTS[cycle.status],
    canEdit,
    canSeeOutside: may(user, "read", "evaluationManagement"),
    editable: Object.fromEntries(CYCLE_FIELDS.map((f) => [f, canEdit && isEditable(cycle.status, f)])) as Record<string, boolean>,
    // Leaders see the next steps and their preconditions, without the buttons.
    transitions: nextSteps(cycle, getDb()).map(({ roles, ...t }) => ({ ...t, allowed: roles.includes(user.role) })),
    history: listTransitions(cycle.id, getDb()),
    sets: summarizeCycleSets(cycle, getDb()),
    canAddSets: canEdit && cycleAllows(cycle.status, "editSets"),
    canAmend: canEdit && cycleAllows(cycle.status, "amendIndicators"),
    missingCategories: canEdit && cycleAllows(cycle.status, "editSets") ? categoriesWithoutSet(cycle.id, getDb()) : [],
  };
}

const intentSchema = z.enum(["basics", "settings", "schedule", "calendar", "transition", "addSet"]);

/** Runs one change and answers its message, or the refusal beside the form's fields. */
function reply(intent: string, change: () => unknown, formData: FormData, message: string, extra: Partial<CycleActionResult> = {}) {
  try {
    change();
    return { intent, ok: true, message, fieldErrors: {}, values: {}, errors: [] } satisfies CycleActionResult;
  } catch (error) {
    const r = actionRefusal(error, ["forbidden", "notFound"]);
    return data({ intent, ok: false, message: null, fieldErrors: r.fieldErrors, values: formValues(formData), errors: [], ...extra } satisfies CycleActionResult, {
      status: r.status,
    });
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "cycle");
  const actor = actorOf(user);
  const cycleId = parseId(params.cycleId);
  const formData = await request.formData();
  const intent = intentSchema.safeParse(formData.get("intent"));
  if (!intent.success) throw badRequest("未知的操作。");
  const get = (k: string) => formData.get(k) ?? undefined;

  switch (intent.data) {
    case "basics":
      return reply("basics", () => updateCycle(getDb(), actor, cycleId, { title: get("title"), opennessWeightPct: get("opennessWeightPct") }), formData, "基本信息已保存。");
    case "settings": {
      const names = formData.getAll("gradeName").map(String);
      const mins = formData.getAll("gradeMin").map(String);
      const grades = names.map((name, i) => ({ name, min: mins[i] ?? "" })).filter((g) => g.name.trim() !== "" || g.min.trim() !== "");
      const settings = {
        scale: get("scale"),
        bonusGate: get("bonusGate"),
        vetoScore: get("vetoScore"),
        passMark: get("passMark"),
        reconcile: get("reconcile"),
        divergence: get("divergence"),
        evaluatorsPerUnit: get("evaluatorsPerUnit"),
        grades,
      };
      return reply("settings", () => updateCycle(getDb(), actor, cycleId, { settings }), formData, "评分设置已保存。", { grades });
    }
    case "schedule":
      return reply(
        "schedule",
        () =>
          updateCycle(getDb(), actor, cycleId, {
            selfInspectionDue: get("selfInspectionDue"),
            spotCheckStart: get("spotCheckStart"),
            spotCheckEnd: get("spotCheckEnd"),
            appealWindowDays: get("appealWindowDays"),
          }),
        formData,
        "时间节点已保存。",
      );
    case "calendar": {
      const calendar = () =>
        formData.get("reset") === "1" ? defaultCalendar(cycleOr404(cycleId, getDb()).year) : { holidays: get("holidays"), workdays: get("workdays"), emptyConfirmed: get("emptyConfirmed") };
      return reply("calendar", () => updateCycle(getDb(), actor, cycleId, { calendar: calendar() }), formData, formData.get("reset") === "1" ? "工作日历已恢复为预置的节假日安排。" : "工作日历已保存。");
    }
    case "addSet": {
      const categoryId = z.coerce.number().int().positive().safeParse(formData.get("categoryId"));
      if (!categoryId.success) {
        const refuse = () => {
          throw new DomainError("invalid", "请选择单位类别", "categoryId");
        };
        return reply("addSet", refuse, formData, "");
      }
      const from = formData.get("from") === "template" ? "template" : "empty";
      return reply("addSet", () => addIndicatorSet(getDb(), actor, cycleId, categoryId.data, from), formData, "已新增指标体系。");
    }
    case "transition": {
      const to = z.enum(CYCLE_STATUSES).safeParse(formData.get("to"));
      if (!to.success) throw badRequest("未知的目标状态。");
      const comment = String(formData.get("comment") ?? "").slice(0, 200);
      let result: TransitionResult;
      try {
        result = await transitionCycleInWorker(getDb(), cycleId, to.data, { ...actor, role: user.role }, comment);
      } catch (error) {
        throwAsResponse(error);
      }
      if (result.ok) {
        const snapshot = result.snapshot ? `已生成定稿结果（${result.snapshot.units}个单位，评估数据包 SHA-256：${result.snapshot.packageSha256}）。` : "";
        return {
          intent: "transition",
          ok: true,
          message: `考核已变更为“${CYCLE_STATUS_LABELS[to.data]}”。${snapshot}`,
          fieldErrors: {},
          values: {},
          errors: [],
        } satisfies CycleActionResult;
      }
      return data(
        { intent: "transition", ok: false, message: result.message, fieldErrors: {}, values: {}, errors: result.errors } satisfies CycleActionResult,
        { status: 400 },
      );
    }
  }
}

export default function CyclePage() {
  const outlet = useOutlet();
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as CycleActionResult | undefined;
  const busy = useNavigation().state !== "idle";
  // A child page (e.g. an indicator set's editor) replaces this overview.
  if (outlet) return outlet;
  const { cycle, calendarStatus, statusLabel, statusHint, canEdit, canSeeOutside, editable, transitions, history, sets, canAddSets, canAmend, missingCategories } = loaderData;
  const addSet = actionData?.intent === "addSet" ? actionData : undefined;

  return (
    <div>
      <p className="no-print">
        <Link to="/cycles">← 返回考核年度列表</Link>
      </p>
      <h1>
        {cycle.year}年度 · {cycle.title}
      </h1>
      <p className="muted">
        {cycle.copiedFrom ? (
          <>
            复制自 <Link to={`/cycles/${cycle.copiedFrom.id}`}>{cycle.copiedFrom.year}年度</Link>。
          </>
        ) : null}
        {canEdit ? null : "您可以查看考核设置，但不能修改。"}
      </p>

      <CycleStatusPanel
        statusLabel={statusLabel}
        statusHint={statusHint}
        canEdit={canEdit}
        transitions={transitions}
        history={history}
        result={actionData}
        busy={busy}
      />

      <section className="card" aria-labelledby="sets-h">
        <h2 id="sets-h">指标体系</h2>
        <p className="muted">每个单位类别一套指标体系。发布前所有指标体系须通过校验（覆盖信息公开、政策解读、回应关切、媒体参与四个维度，分值和评分规则有效）。</p>
        <div className="toolbar">
          {sets.length > 0 ? (
            <a className="button secondary" href={`/cycles/${cycle.id}/indicators.xlsx`} download>
              导出全部指标体系（Excel）
            </a>
          ) : null}
          {canAddSets ? (
            <Link className="button secondary" to={`/cycles/${cycle.id}/import`}>
              从 Excel 导入
            </Link>
          ) : null}
          <a className="button secondary" href={`/cycles/${cycle.id}/package.json`} download>
            导出考核包框架（zwgk-assessment/1）
          </a>
          {canSeeOutside ? (
            <Link className="button secondary" to={`/cycles/${cycle.id}/outside`}>
              外部单位评价
            </Link>
          ) : null}
        </div>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">单位类别</th>
                <th scope="col" className="num">在用单位</th>
                <th scope="col" className="num">末级指标</th>
                <th scope="col" className="num">基础分</th>
                <th scope="col" className="num">加分</th>
                <th scope="col">校验</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {sets.length === 0 ? (
                <tr>
                  <td colSpan={7} className="muted">
                    本年度还没有指标体系。
                  </td>
                </tr>
              ) : (
                sets.map((s) => (
                  <tr key={s.id}>
                    <td>{s.categoryName}</td>
                    <td className="num">{s.activeUnits}</td>
                    <td className="num">{s.leafCount}</td>
                    <td className="num">{s.basePoints}</td>
                    <td className="num">{s.bonusPoints}</td>
                    <td>
                      {s.errors.length === 0 ? <span className="badge ok">通过</span> : <span className="badge error">{s.errors.length} 个错误</span>}{" "}
                      {s.warnings.length > 0 ? <span className="badge warn">{s.warnings.length} 个提示</span> : null}
                      {s.errors.length + s.warnings.length > 0 ? (
                        <details>
                          <summary>查看</summary>
                          <ul>
                            {[...s.errors, ...s.warnings].map((m, i) => (
                              <li key={i}>{m}</li>
                            ))}
                          </ul>
                        </details>
                      ) : null}
                    </td>
                    <td>
                      <Link to={`/cycles/${cycle.id}/sets/${s.id}`}>{canAddSets ? "编辑指标体系" : canAmend ? "查看或修订" : "查看指标体系"}</Link>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        {canAddSets && missingCategories.length > 0 ? (
          <Form method="post" className="toolbar" style={{ marginTop: "1rem" }}>
            <input type="hidden" name="intent" value="addSet" />
            <div className="field">
              <label htmlFor="f-add-category">为类别新增指标体系</label>
              <select id="f-add-category" name="categoryId" defaultValue={addSet?.values.categoryId ?? ""}>
                <option value="">请选择</option>
                {missingCategories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}（{c.activeUnits}个在用单位{c.templateFits ? "，有适用模板" : ""}）
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-add-from">来源</label>
              <select id="f-add-from" name="from" defaultValue={addSet?.values.from ?? "template"}>
                <option value="template">默认模板</option>
                <option value="empty">空白</option>
              </select>
            </div>
            <button type="submit" disabled={busy}>
              新增
            </button>
            {addSet?.ok ? (
              <span className="notice" role="status">
                {addSet.message}
              </span>
            ) : null}
            {addSet && !addSet.ok ? (
              <span className="field-error" role="alert">
                {Object.values(addSet.fieldErrors).join("；")}
              </span>
            ) : null}
          </Form>
        ) : null}
      </section>

      <CycleBasicsForm cycle={cycle} editable={editable} result={actionData} busy={busy} />
      <CycleSettingsForm cycle={cycle} editable={editable} result={actionData} busy={busy} />
      <CycleScheduleForm cycle={cycle} editable={editable} result={actionData} busy={busy} />
      <CycleCalendarForm cycle={cycle} editable={editable} result={actionData} busy={busy} status={calendarStatus} />
    </div>
  );
}
