import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { cycleAllows } from "../domain/cycle-capabilities";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CyclePicker } from "../components/CyclePicker";
import { DivergenceTable, type ArbitrationActionResult } from "../components/DivergenceTable";
import { arbitrate, arbitrationSchema, listDivergences } from "../services/arbitration.server";
import { evaluationCycles, pickCycle } from "../services/evaluation-context.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { parseForm } from "../utils/form.server";
import { badRequest, parseId, refusalErrors } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "评分分歧与仲裁 - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "evaluationManagement");
  const db = getDb();
  const cycle = pickCycle(db, new URL(request.url).searchParams.get("cycle"));
  const cycles = evaluationCycles(db).map((c) => ({ id: c.id, year: c.year }));
  if (!cycle) return { cycle: null, cycles, divergences: [] };
  const divergences = listDivergences(db, cycle.id).map((d) => ({
    ...d,
    arbitration: d.arbitration ? { ...d.arbitration, decidedAtText: formatBeijingTime(d.arbitration.decidedAt) } : null,
  }));
  return { cycle: { id: cycle.id, year: cycle.year, open: cycleAllows(cycle.status, "evaluate") }, cycles, divergences };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "evaluationManagement");
  const form = await request.formData();
  if (form.get("intent") !== "arbitrate") throw badRequest("未知的操作。");
  const cycleId = parseId(String(form.get("cycleId") ?? ""));
  const key = `${form.get("unitId")}:${form.get("nodeId")}`;
  const parsed = parseForm(arbitrationSchema, form);
  if (!parsed.ok) return data<ArbitrationActionResult>({ ok: false, key, fieldErrors: parsed.fieldErrors }, { status: 400 });
  try {
    arbitrate(getDb(), actorOf(user), user, cycleId, parsed.data);
    return data<ArbitrationActionResult>({ ok: true, key, message: "已记录仲裁结果。", fieldErrors: {} });
  } catch (error) {
    const r = refusalErrors(error);
    return data<ArbitrationActionResult>({ ok: false, key, fieldErrors: r.fieldErrors }, { status: r.status });
  }
}

export default function Divergences() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!d.cycle) return <p className="muted">还没有已发布的考核年度。</p>;
  const open = d.divergences.filter((x) => !x.arbitration);
  return (
    <>
      <p>
        <Link to={`/evaluation?cycle=${d.cycle.year}`}>← 返回评估分配</Link>
      </p>
      <h1>评分分歧与仲裁 · {d.cycle.year}年度</h1>
      <CyclePicker cycles={d.cycles} current={d.cycle} />
      <p className="muted">评估员签署后，同一指标的评分差异超过本年度允许范围（分歧阈值 × 指标分值）即列为分歧，须由政务公开办或牵头评估员仲裁。仲裁分值取代各评估员评分的汇总值。</p>
      {open.length > 0 ? (
        <p className="warning" role="status">
          有{open.length}项评分分歧尚未仲裁，仲裁完成前不能公布初步结果。
        </p>
      ) : (
        <p className="notice">没有未仲裁的评分分歧。</p>
      )}
      {/* Shown once the revalidated list is in, so the confirmation never sits beside stale rows. */}
      {a?.ok && !busy ? (
        <p className="notice" role="status">
          {a.message}
        </p>
      ) : null}
      <DivergenceTable divergences={d.divergences} cycleId={d.cycle.id} editable={d.cycle.open} busy={busy} actionData={a ?? null} />
    </>
  );
}
