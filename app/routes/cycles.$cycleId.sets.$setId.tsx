import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { cycleAllows, editModeOf } from "../domain/cycle-capabilities";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useOutlet } from "@remix-run/react";
import { z } from "zod";
import { useEffect, useState } from "react";
import { IndicatorNodeForm, LiveCheckPanel } from "../components/IndicatorNodeForm";
import { liveCheck, type LiveReport, type LiveTarget } from "../domain/indicator-live-check";
import { IndicatorStructureForms } from "../components/IndicatorStructureForms";
import { IndicatorTreeTable, ValidationPanel, type TreeRowView } from "../components/IndicatorTreeTable";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { CARRY_LABELS, DIMENSIONS, formatEvidenceKinds, PART_LABELS } from "../domain/indicator-format";
import { penaltyPartSentence, ruleSentence } from "../domain/rule-sentence";
import { categoryRulesState, categoryRulesStateFromValues, parseCategoryRules, settingsReasonSchema } from "../domain/category-rules";
import { IndicatorSetRulesForm } from "../components/IndicatorSetRulesForm";
import { categoryRulesChangesAfterPublishing, categoryRulesView, saveCategoryRules } from "../services/indicator-set-rules.server";
import { EMPTY_NODE_STATE, stateFromSpec, stateFromValues, type NodeFormState } from "../domain/indicator-node-state";
import type { StoredIndicator } from "../domain/indicator-spec";
import { getDb } from "../utils/db.server";
import { amendmentSchema, coverageReasonSchema, nodeFormValues, parseNodeForm, type AmendmentInput } from "../domain/indicator-form";
import { coverageView } from "../domain/indicator-coverage";
import { IndicatorCoverageForm } from "../components/IndicatorCoverageForm";
import { recordCoverageReason } from "../services/indicator-coverage.server";
import { loadTree } from "../services/indicator-tree.server";
import { FROZEN_MESSAGE, getNodeDetail, getSetInfo, listAmendments, moveTargets, reportFor } from "../services/indicator-structure.server";
import { addNode, deleteNode, moveNode, reorderNode, updateNode, type NodePosition, type OpResult } from "../services/indicators.server";
import { may } from "../policy.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { zodFieldErrors } from "../utils/form.server";
import { actionRefusal, badRequest, orRefusalResponse, parseId } from "../utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? `${data.cycle.year}年度 ${data.set.categoryName} 指标体系` : "指标体系"} - 政务公开绩效考核平台` },
];

/** ?add=top | child-<id> | after-<id> */
function parseAdd(value: string | null): NodePosition | null {
  if (value === "top") return { kind: "top" };
  const m = /^(child|after)-(\d+)$/.exec(value ?? "");
  if (!m) return null;
  return m[1] === "child" ? { kind: "child", parentId: Number(m[2]) } : { kind: "after", siblingId: Number(m[2]) };
}

/** The set's top-level base nodes: what a part veto or a part bonus gate may name. */
function baseParts(tree: readonly StoredIndicator[]): { code: string; name: string }[] {
  return tree.filter((n) => (n.part ?? "base") === "base").map((n) => ({ code: n.code, name: n.name }));
}

function flatten(tree: readonly StoredIndicator[], problems: Map<number, number>): TreeRowView[] {
  const out: TreeRowView[] = [];
  const partName = (code: string) => tree.find((n) => n.code === code)?.name;
  let topPart: StoredIndicator["part"] = "base";
  const sentence = (n: StoredIndicator, level: number, isLeaf: boolean) => {
    if (!isLeaf) return level === 1 && n.part === "penalty" ? `扣分项${penaltyPartSentence(n.cap)}` : "";
    return ruleSentence(n.rule, n.points, { part: topPart, partName }) || "（未设置）";
  };
  const walk = (nodes: readonly StoredIndicator[], level: number) =>
    nodes.forEach((n, i) => {
      const isLeaf = !n.children || n.children.length === 0;
      if (level === 1) topPart = n.part ?? "base";
      out.push({
        nodeId: n.nodeId,
        level,
        code: n.code,
        name: n.name,
        dimension: n.dimension ? DIMENSIONS[n.dimension] : "",
        part: level === 1 ? PART_LABELS[n.part ?? "base"] : "",
        points: n.points,
        rule: sentence(n, level, isLeaf),
        evidence: n.evidenceRequired ? "必须" : "",
        evidenceKinds: n.evidenceKinds?.length ? `允许：${formatEvidenceKinds(n.evidenceKinds)}` : "",
        isLeaf,
        first: i === 0,
        last: i === nodes.length - 1,
        problems: problems.get(n.nodeId) ?? 0,
      });
      if (!isLeaf) walk(n.children!, level + 1);
    });
  walk(tree, 1);
  return out;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "cycle");
  const cycleId = parseId(params.cycleId);
  const setId = parseId(params.setId);
  const db = getDb();
  const set = orRefusalResponse(() => getSetInfo(db, cycleId, setId));
  const mode = editModeOf(set.cycle.status);
  const canEdit = may(user, "write", "cycle") && mode !== "frozen";
  const tree = loadTree(db, setId);
  const report = reportFor(tree, set.cycle.scale, set.coverageGap);
  const problems = new Map<number, number>();
  for (const e of report.errors) if (e.nodeId !== null) problems.set(e.nodeId, (problems.get(e.nodeId) ?? 0) + 1);
  const rows = flatten(tree, problems);

  const url = new URL(request.url);
  const nodeParam = Number(url.searchParams.get("node"));
  const row = rows.find((r) => r.nodeId === nodeParam) ?? null;
  const selected = row
    ? (() => {
        const detail = orRefusalResponse(() => getNodeDetail(db, setId, row.nodeId));
        return {
          ...detail,
          row,
          targets: canEdit ? moveTargets(db, setId, row.nodeId) : [],
          state: stateFromSpec(detail.spec),
        };
      })()
    : null;
  const addPos = canEdit ? parseAdd(url.searchParams.get("add")) : null;
  let adding: { spec: string; label: string; isTop: boolean; state: NodeFormState } | null = null;
  if (addPos && !row) {
    const anchorId = addPos.kind === "child" ? addPos.parentId : addPos.kind === "after" ? addPos.siblingId : null;
    const anchor = anchorId === null ? null : rows.find((r) => r.nodeId === anchorId);
    if (anchorId === null || anchor) {
      const parentRow = addPos.kind === "child" ? anchor! : addPos.kind === "after" ? rowParent(rows, anchor!) : null;
      const isTop = parentRow === null;
      const siblings = rows.filter((r) => (parentRow ? rowParent(rows, r)?.nodeId === parentRow.nodeId : r.level === 1)).length;
      adding = {
        spec: url.searchParams.get("add")!,
        label: parentRow ? `在“${parentRow.code} ${parentRow.name}”下添加${["", "一", "二", "三"][parentRow.level + 1] ?? ""}级指标` : "添加一级指标",
        isTop,
        state: { ...EMPTY_NODE_STATE, code: parentRow ? `${parentRow.code}.${siblings + 1}` : String(siblings + 1) },
      };
    }
  }
  const categoryRules = categoryRulesView(db, cycleId, set.categoryId);
  return {
    cycle: { id: set.cycle.id, year: set.cycle.year, title: set.cycle.title, statusLabel: CYCLE_STATUS_LABELS[set.cycle.status] },
    baseParts: baseParts(tree),
    categoryRules: {
      state: categoryRulesState(categoryRules.rules),
      cycleDefaults: categoryRules.cycleDefaults,
      canEdit: may(user, "write", "cycle") && cycleAllows(set.cycle.status, "editCategorySettings"),
      needsReason: !cycleAllows(set.cycle.status, "editSets"),
      changes: categoryRulesChangesAfterPublishing(db, setId).map((c) => ({ ...c, at: formatBeijingTime(c.at) })),
    },
    set: { id: set.id, categoryId: set.categoryId, categoryName: set.categoryName, updatedAt: set.updatedAt },
    mode,
    canEdit,
    frozenMessage: mode === "frozen" ? FROZEN_MESSAGE : null,
    rows,
    tree,
    scale: set.cycle.scale,
    coverage: coverageView(tree, set.coverageGap),
    coverageGap: set.coverageGap,
    report: { errors: report.errors.map(({ message, nodeId }) => ({ message, nodeId })), warnings: report.warnings.map(({ message, nodeId }) => ({ message, nodeId })) },
    selected,
    adding,
    added: url.searchParams.get("added") === "1" && row ? `${row.code} ${row.name}` : null,
    amendments: listAmendments(db, setId).map((a) => ({ ...a, carryLabel: a.carry ? CARRY_LABELS[a.carry].split("（")[0] : null })),
  };
}

/** The row of a node's parent (rows are in display order, parents before children). */
function rowParent(rows: readonly TreeRowView[], row: TreeRowView): TreeRowView | null {
  if (row.level === 1) return null;
  const i = rows.indexOf(row);
  for (let j = i - 1; j >= 0; j--) if (rows[j].level === row.level - 1) return rows[j];
  return null;
}

const INTENTS = ["save", "add", "reorder", "move", "delete", "coverage", "categoryRules"] as const;
type Intent = (typeof INTENTS)[number];

export interface SetActionResult {
  intent: Intent;
  ok: boolean;
  message: string | null;
  fieldErrors: Record<string, string>;
  problems: string[];
  values: Record<string, string | string[]>;
}

const idField = z.coerce.number({ invalid_type_error: "未指定指标" }).int().positive("未指定指标");

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "cycle");
  const actor = actorOf(user);
  const cycleId = parseId(params.cycleId);
  const setId = parseId(params.setId);
  const formData = await request.formData();
  const intent = z.enum(INTENTS).safeParse(formData.get("intent"));
  if (!intent.success) throw badRequest("未知的操作。");
  const values = nodeFormValues(formData);
  try {
    const db = getDb();
    const set = getSetInfo(db, cycleId, setId);
    const mode = editModeOf(set.cycle.status);
    const refuse = (fieldErrors: Record<string, string>, problems: string[] = []) =>
      data({ intent: intent.data, ok: false, message: null, fieldErrors, problems, values } satisfies SetActionResult, { status: 400 });
    const done = (result: OpResult) =>
      result.ok
        ? ({ intent: intent.data, ok: true, message: result.message, fieldErrors: {}, problems: [], values: {} } satisfies SetActionResult)
        : refuse(result.fieldErrors, result.problems);

    // A category's settings follow their own phase rule (editCategorySettings), not the tree's.
    if (intent.data === "categoryRules") {
      const raw: Record<string, unknown> = {};
      for (const key of new Set(formData.keys())) raw[key] = formData.getAll(key).filter((v): v is string => typeof v === "string");
      const parsed = parseCategoryRules(raw, { scale: set.cycle.scale, baseParts: baseParts(loadTree(db, setId)).map((p) => p.code) });
      const reason = settingsReasonSchema.safeParse({ settingsReason: formData.get("settingsReason") ?? undefined });
      if (!parsed.ok || !reason.success) return refuse({ ...(parsed.ok ? {} : parsed.fieldErrors), ...(reason.success ? {} : zodFieldErrors(reason.error)) });
      return done({ ok: true, message: saveCategoryRules(db, actor, cycleId, setId, parsed.rules, reason.data.settingsReason), nodeId: null });
    }
    if (mode === "frozen") return refuse({ _form: FROZEN_MESSAGE });
    if (intent.data === "coverage") {
      const parsed = coverageReasonSchema.safeParse({ coverageReason: formData.get("coverageReason") ?? undefined });
      if (!parsed.success) return refuse(zodFieldErrors(parsed.error));
      return done({ ok: true, message: recordCoverageReason(db, actor, cycleId, setId, parsed.data.coverageReason), nodeId: null });
    }
    let amendment: AmendmentInput | null = null;
    if (mode === "amend") {
      const parsed = amendmentSchema.safeParse({ reason: formData.get("reason") ?? undefined, carry: formData.get("carry") ?? undefined });
      if (!parsed.success) return refuse(zodFieldErrors(parsed.error));
      amendment = parsed.data;
    }
    const nodeIdOf = () => {
      const id = idField.safeParse(formData.get("nodeId"));
      if (!id.success) throw badRequest("未指定指标。");
      return id.data;
    };

    switch (intent.data) {
      case "save": {
        const nodeId = nodeIdOf();
        const detail = getNodeDetail(db, setId, nodeId);
        const form = parseNodeForm(formData, { isLeaf: detail.isLeaf });
        if (!form.ok) return refuse(form.fieldErrors);
        return done(updateNode(db, actor, cycleId, setId, nodeId, form.data, amendment));
      }
      case "add": {
        const position = parseAdd(String(formData.get("position") ?? ""));
        if (!position) throw badRequest("未指定添加位置。");
        const form = parseNodeForm(formData, { isLeaf: true });
        if (!form.ok) return refuse(form.fieldErrors);
        const result = addNode(db, actor, cycleId, setId, position, form.data, amendment);
        if (!result.ok) return refuse(result.fieldErrors, result.problems);
        throw redirect(`/cycles/${cycleId}/sets/${setId}?node=${result.nodeId}&added=1`);
      }
      case "reorder": {
        const direction = z.enum(["up", "down"]).safeParse(formData.get("direction"));
        if (!direction.success) throw badRequest("未指定移动方向。");
        return done(reorderNode(db, actor, cycleId, setId, nodeIdOf(), direction.data, amendment));
      }
      case "move": {
        const raw = String(formData.get("parentId") ?? "");
        const parent = raw === "" ? null : idField.safeParse(raw);
        if (parent && !parent.success) return refuse({ parentId: "请选择有效的上级指标" });
        return done(moveNode(db, actor, cycleId, setId, nodeIdOf(), parent ? parent.data : null, amendment));
      }
      case "delete":
        return done(deleteNode(db, actor, cycleId, setId, nodeIdOf(), amendment));
    }
  } catch (error) {
    const r = actionRefusal(error, ["forbidden", "notFound"]);
    return data({ intent: intent.data, ok: false, message: null, fieldErrors: r.fieldErrors, problems: [], values } satisfies SetActionResult, { status: r.status });
  }
}

const MODE_HINTS = {
  draft: "草稿：可以自由添加、修改、调整和删除指标，每次修改都会重新校验。",
  amend: "已发布：指标体系已冻结，修改须以修订方式进行——填写修订原因；分值变化影响已有得分时须选择处理方式。每次修订记入修订记录和审计日志。",
  frozen: "",
} as const;

export default function IndicatorSetPage() {
  const outlet = useOutlet();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as SetActionResult | undefined;
  const busy = useNavigation().state !== "idle";
  const [live, setLive] = useState<{ key: string; report: LiveReport } | null>(null);
  // Every save or structure change reloads the tree: the live check starts over.
  useEffect(() => setLive(null), [d]);
  if (outlet) return outlet;
  const base = `/cycles/${d.cycle.id}/sets/${d.set.id}`;
  const nodeHref = (id: number) => `${base}?node=${id}#node-panel`;
  const addHref = (spec: string) => `${base}?add=${spec}#node-panel`;
  const amend = d.mode === "amend";
  const liveFor = (target: LiveTarget) => {
    const key = target.kind === "edit" ? `edit-${target.nodeId}-${d.rows.length}` : `add-${target.position}-${d.rows.length}`;
    return {
      onFormChange: (form: HTMLFormElement) =>
        setLive({ key, report: liveCheck(d.tree, target, new FormData(form), { scale: d.scale, amend, coverageGap: d.coverageGap }) }),
      live: <LiveCheckPanel report={live?.key === key ? live.report : null} />,
    };
  };
  const failed = result && !result.ok ? result : undefined;
  const formIntent = failed && (failed.intent === "save" || failed.intent === "add") ? failed : undefined;
  const errors = (formIntent?.fieldErrors ?? {}) as Record<string, string | undefined>;
  const problemList =
    failed && failed.problems.length ? (
      <ul>
        {failed.problems.map((p, i) => (
          <li key={i}>{p}</li>
        ))}
      </ul>
    ) : null;

  return (
    <div>
      <p className="no-print">
        <Link to={`/cycles/${d.cycle.id}`}>← 返回{d.cycle.year}年度考核</Link>
      </p>
      <h1>
        {d.cycle.year}年度 · {d.set.categoryName} 指标体系
      </h1>
      <p>
        考核状态：<span className="badge">{d.cycle.statusLabel}</span> <span className="muted">{d.frozenMessage ?? (d.canEdit ? MODE_HINTS[d.mode] : "您可以查看指标体系，但不能修改。")}</span>
      </p>
      <div className="toolbar">
        <a className="button secondary" href={`/cycles/${d.cycle.id}/indicators.xlsx?category=${d.set.categoryId}`} download>
          导出 Excel
        </a>
        <Link className="button secondary" to={`${base}/preview`}>
          试算预览
        </Link>
        {d.canEdit && d.mode === "draft" ? (
          <Link className="button secondary" to={`/cycles/${d.cycle.id}/import`}>
            从 Excel 导入
          </Link>
        ) : null}
        {d.canEdit ? (
          <Link className="button" to={addHref("top")}>
            添加一级指标
          </Link>
        ) : null}
      </div>

      {result?.ok && result.message ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      {d.added && !result ? (
        <p className="notice" role="status">
          已添加指标“{d.added}”。
        </p>
      ) : null}
      {failed && !formIntent && (failed.fieldErrors._form || failed.problems.length) ? (
        <div className="form-error" role="alert">
          {failed.fieldErrors._form}
          {problemList}
        </div>
      ) : null}

      <ValidationPanel report={d.report} nodeHref={nodeHref} />
      <IndicatorCoverageForm coverage={d.coverage} canEdit={d.canEdit} busy={busy} error={failed?.intent === "coverage" ? failed.fieldErrors.coverageReason : undefined} />
      <IndicatorSetRulesForm
        key={`rules-${d.set.updatedAt}-${JSON.stringify(d.categoryRules.state)}-${failed?.intent === "categoryRules" ? JSON.stringify(failed.values) : ""}`}
        state={failed?.intent === "categoryRules" ? categoryRulesStateFromValues(failed.values) : d.categoryRules.state}
        errors={failed?.intent === "categoryRules" ? (failed.fieldErrors as Record<string, string | undefined>) : {}}
        cycleDefaults={d.categoryRules.cycleDefaults}
        baseParts={d.baseParts}
        scale={d.scale}
        canEdit={d.categoryRules.canEdit}
        needsReason={d.categoryRules.needsReason}
        reason={failed?.intent === "categoryRules" ? String(failed.values.settingsReason ?? "") : ""}
        changes={d.categoryRules.changes}
        busy={busy}
      />

      <section className="card" aria-labelledby="tree-h">
        <h2 id="tree-h">指标</h2>
        <IndicatorTreeTable rows={d.rows} selectedId={d.selected?.nodeId ?? null} nodeHref={nodeHref} addHref={addHref} canEdit={d.canEdit} quickEdit={d.canEdit && d.mode === "draft"} busy={busy} />
      </section>

      <div id="node-panel">
        {d.selected ? (
          <section className="card" aria-labelledby="node-h">
            <h2 id="node-h">
              {d.canEdit ? "编辑" : "查看"}指标：{d.selected.row.code} {d.selected.row.name}
            </h2>
            {d.selected.dataCount > 0 ? <p className="muted">该指标已有 {d.selected.dataCount} 条填报或评分数据。</p> : null}
            <IndicatorNodeForm
              // A save that normalises the input (e.g. generated fault codes) shows the stored values once they load.
              key={`edit-${d.selected.nodeId}-${d.set.updatedAt}-${result ? JSON.stringify(result.values).length : 0}-${d.rows.length}`}
              state={formIntent?.intent === "save" ? stateFromValues(formIntent.values) : d.selected.state}
              errors={formIntent?.intent === "save" ? errors : {}}
              hidden={{ intent: "save", nodeId: String(d.selected.nodeId) }}
              isLeaf={d.selected.isLeaf}
              isTop={d.selected.level === 1}
              amend={amend}
              dataCount={d.selected.dataCount}
              readOnly={!d.canEdit}
              busy={busy}
              submitLabel={amend ? "保存修订" : "保存"}
              baseParts={d.baseParts}
              {...(d.canEdit ? liveFor({ kind: "edit", nodeId: d.selected.nodeId, isLeaf: d.selected.isLeaf }) : {})}
            >
              {formIntent?.intent === "save" ? problemList : null}
            </IndicatorNodeForm>
            {d.canEdit ? (
              <IndicatorStructureForms
                node={{ ...d.selected.row, parentId: d.selected.parentId }}
                targets={d.selected.targets}
                amend={amend}
                busy={busy}
                errors={(failed?.fieldErrors ?? {}) as Record<string, string | undefined>}
                intent={failed?.intent}
                addAfterHref={addHref(`after-${d.selected.nodeId}`)}
              />
            ) : null}
          </section>
        ) : null}
        {d.adding ? (
          <section className="card" aria-labelledby="add-h">
            <h2 id="add-h">{d.adding.label}</h2>
            <p className="muted">新指标先作为末级指标添加（须设置评分规则）；之后可在其下添加下级指标。</p>
            <IndicatorNodeForm
              key={`add-${d.adding.spec}`}
              state={formIntent?.intent === "add" ? stateFromValues(formIntent.values) : d.adding.state}
              errors={formIntent?.intent === "add" ? errors : {}}
              hidden={{ intent: "add", position: d.adding.spec }}
              isLeaf
              isTop={d.adding.isTop}
              amend={amend}
              dataCount={0}
              readOnly={false}
              busy={busy}
              submitLabel={amend ? "添加（修订）" : "添加"}
              baseParts={d.baseParts}
              {...liveFor({ kind: "add", position: d.adding.spec })}
            >
              {formIntent?.intent === "add" ? problemList : null}
            </IndicatorNodeForm>
          </section>
        ) : null}
      </div>

      {d.mode !== "draft" || d.amendments.length > 0 ? (
        <section className="card" aria-labelledby="amend-h">
          <h2 id="amend-h">修订记录</h2>
          {d.amendments.length === 0 ? (
            <p className="muted">发布后没有修订。</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">时间</th>
                    <th scope="col">修订人</th>
                    <th scope="col">内容</th>
                    <th scope="col">原因</th>
                    <th scope="col">原有得分处理</th>
                  </tr>
                </thead>
                <tbody>
                  {d.amendments.map((a) => (
                    <tr key={a.id}>
                      <td>{formatBeijingTime(a.at)}</td>
                      <td>{a.actorName ?? "系统"}</td>
                      <td>{a.summary}</td>
                      <td>{a.reason}</td>
                      <td>{a.carryLabel ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </div>
  );
}

