import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { cycleAllows } from "../domain/cycle-capabilities";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { XlsxUploadForm } from "../components/ImportForm";
import { CYCLE_STATUS_LABELS } from "../domain/cycle-status";
import { cycleOr404, listCycleSets } from "../services/cycles.server";
import { formatProblem, importIndicators } from "../services/indicator-xlsx.server";
import { readXlsxUpload } from "../services/imports/xlsx-upload.server";
import { listCategories } from "../services/categories.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { orRefusalResponse, parseId, valueOrRefusal } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "导入指标体系 - 政务公开绩效考核平台" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAccess(request, "write", "cycle");
  const cycle = orRefusalResponse(() => cycleOr404(parseId(params.cycleId), getDb()));
  return {
    cycle: { id: cycle.id, year: cycle.year, title: cycle.title, statusLabel: CYCLE_STATUS_LABELS[cycle.status] },
    editable: cycleAllows(cycle.status, "editSets"),
    categories: listCategories(getDb()).map((c) => ({ id: c.id, name: c.name })),
    sets: listCycleSets(cycle.id, getDb()).map((s) => s.categoryName),
  };
}

interface ImportOutcome {
  ok: boolean;
  message: string;
  problems: string[];
  sets: { category: string; nodes: number; warnings: string[] }[];
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "cycle");
  const cycleId = parseId(params.cycleId);
  orRefusalResponse(() => cycleOr404(cycleId, getDb()));
  const read = await valueOrRefusal(() => readXlsxUpload(request));
  if (!read.ok) return data({ ok: false, message: read.message, problems: [], sets: [] } satisfies ImportOutcome, { status: read.status });
  const upload = read.value;
  const category = String(upload.fields.get("category") ?? "").trim();
  const result = await importIndicators(getDb(), upload.buffer, { cycleId, categoryName: category || undefined }, actorOf(user), upload.fileName);
  if (!result.ok) {
    return data(
      { ok: false, message: result.message, problems: result.problems.map(formatProblem), sets: [] } satisfies ImportOutcome,
      { status: 400 },
    );
  }
  return {
    ok: true,
    message: `已从“${upload.fileName}”导入 ${result.sets.length} 套指标体系。`,
    problems: [],
    sets: result.sets.map((s) => ({ category: s.category, nodes: s.nodes, warnings: s.warnings })),
  } satisfies ImportOutcome;
}

export default function ImportIndicatorsPage() {
  const { cycle, editable, categories, sets } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>() as ImportOutcome | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <div>
      <p className="no-print">
        <Link to={`/cycles/${cycle.id}`}>← 返回{cycle.year}年度考核</Link>
      </p>
      <h1>从 Excel 导入指标体系 · {cycle.year}年度</h1>
      {!editable ? (
        <p className="form-error" role="alert">
          本年度考核当前状态为“{cycle.statusLabel}”，指标体系已冻结，不能导入。发布后的调整须在指标体系页面以修订方式逐项进行并说明理由。
        </p>
      ) : (
        <div className="card">
          <p>
            文件格式与“导出 Excel”相同：每个工作表一套指标体系，工作表名称为单位类别名称，“说明”工作表解释每一列。可先
            <a href={`/cycles/${cycle.id}/indicators.xlsx`} download>
              导出本年度的指标体系
            </a>
            ，修改后再导入。系统先检查所有行：只要有一处错误，就不导入任何数据，并按行号列出原因。导入会整体替换所导入类别的指标体系{sets.length ? `（本年度已有：${sets.join("、")}）` : ""}。
          </p>
          <XlsxUploadForm busy={busy}>
            <div className="field">
              <label htmlFor="f-category">导入到</label>
              <select id="f-category" name="category" defaultValue="">
                <option value="">按工作表名称对应单位类别（可一次导入多套）</option>
                {categories.map((c) => (
                  <option key={c.id} value={c.name}>
                    仅导入到“{c.name}”
                  </option>
                ))}
              </select>
            </div>
          </XlsxUploadForm>
        </div>
      )}
      {outcome ? (
        outcome.ok ? (
          <div className="notice" role="status">
            {outcome.message}
            <ul>
              {outcome.sets.map((s) => (
                <li key={s.category}>
                  {s.category}：{s.nodes} 个指标
                  {s.warnings.map((w, i) => (
                    <div key={i} className="muted">
                      提示：{w}
                    </div>
                  ))}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <div className="card">
            <p className="form-error" role="alert">
              {outcome.message}
            </p>
            {outcome.problems.length ? (
              <ul aria-label="错误明细">
                {outcome.problems.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            ) : null}
          </div>
        )
      ) : null}
    </div>
  );
}
