import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { cycleAllows } from "../domain/cycle-capabilities";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CyclePicker } from "../components/CyclePicker";
import { categories } from "../../db/schema";
import { batchFormSchema, createBatch, listBatches } from "../services/spot-checks.server";
import { evaluationCycles, pickCycle } from "../services/evaluation-context.server";
import { actorOf, requireAccess } from "../utils/auth.server";
import { formatBeijingTime } from "../utils/beijing-time";
import { formValues, parseForm } from "../utils/form.server";
import { badRequest, parseId, refusalErrors } from "../utils/http.server";
import { getDb } from "../utils/db.server";

export const meta: MetaFunction = () => [{ title: "抽查（双随机一公开） - 政务公开绩效考核平台" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAccess(request, "read", "evaluationManagement");
  const db = getDb();
  const cycle = pickCycle(db, new URL(request.url).searchParams.get("cycle"));
  const cycles = evaluationCycles(db).map((c) => ({ id: c.id, year: c.year }));
  if (!cycle) return { cycle: null, cycles, batches: [], categories: [] };
  return {
    cycle: { id: cycle.id, year: cycle.year, open: cycleAllows(cycle.status, "evaluate") },
    cycles,
    categories: db.select({ id: categories.id, name: categories.name }).from(categories).all(),
    batches: listBatches(db, cycle.id).map((b) => ({ ...b, createdAtText: formatBeijingTime(b.createdAt) })),
  };
}

interface ActionResult {
  ok: false;
  fieldErrors: Record<string, string>;
  values: Record<string, string>;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAccess(request, "write", "evaluationManagement");
  const form = await request.formData();
  if (form.get("intent") !== "create") throw badRequest("未知的操作。");
  const cycleId = parseId(String(form.get("cycleId") ?? ""));
  const parsed = parseForm(batchFormSchema, form);
  if (!parsed.ok) return data<ActionResult>({ ok: false, fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  try {
    const { batchId } = createBatch(getDb(), actorOf(user), cycleId, parsed.data);
    return redirect(`/spotchecks/${batchId}`);
  } catch (error) {
    const r = refusalErrors(error);
    return data<ActionResult>({ ok: false, fieldErrors: r.fieldErrors, values: formValues(form) }, { status: r.status });
  }
}

export default function SpotChecks() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!d.cycle) return <p className="muted">还没有已发布的考核年度。</p>;
  const e = (a?.fieldErrors ?? {}) as Record<string, string | undefined>;
  const v = (a?.values ?? {}) as Record<string, string | undefined>;
  return (
    <>
      <h1>抽查（双随机一公开） · {d.cycle.year}年度</h1>
      <CyclePicker cycles={d.cycles} current={d.cycle} />
      <p className="muted">
        随机抽取被检查单位、随机选派检查人员：按单位类别分层抽样，与被抽中单位存在关联的检查人员自动回避。抽取结果由随机种子唯一确定，任何人都可以用{" "}
        <code>npm run spotcheck:draw -- --cycle {d.cycle.year} --seed &lt;种子&gt; --size &lt;数量&gt;</code> 复算。
      </p>
      {d.cycle.open ? (
        <section className="card" aria-labelledby="new-h">
          <h2 id="new-h">新建抽查批次</h2>
          {e._form ? (
            <p className="form-error" role="alert">
              {e._form}
            </p>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="create" />
            <input type="hidden" name="cycleId" value={d.cycle.id} />
            <div className="field">
              <label htmlFor="f-size">抽查数量（每类单位，如 3）或比例（如 20%）</label>
              <input id="f-size" name="size" defaultValue={v.size ?? ""} aria-invalid={e.size ? true : undefined} />
              {e.size ? <span className="field-error" role="alert">{e.size}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="f-categoryId">单位类别（不选则全部类别分层抽取）</label>
              <select id="f-categoryId" name="categoryId" defaultValue={v.categoryId ?? ""}>
                <option value="">全部类别</option>
                {d.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
              {e.categoryId ? <span className="field-error" role="alert">{e.categoryId}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="f-nodeCodes">抽查指标（末级指标编号，逗号分隔；留空则全部扣分类与否决类指标）</label>
              <input id="f-nodeCodes" name="nodeCodes" defaultValue={v.nodeCodes ?? ""} aria-invalid={e.nodeCodes ? true : undefined} />
              {e.nodeCodes ? <span className="field-error" role="alert">{e.nodeCodes}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="f-seed">随机种子（留空则自动生成）</label>
              <input id="f-seed" name="seed" maxLength={200} defaultValue={v.seed ?? ""} aria-invalid={e.seed ? true : undefined} />
              {e.seed ? <span className="field-error" role="alert">{e.seed}</span> : null}
            </div>
            <button type="submit" disabled={busy}>
              抽取
            </button>
          </Form>
        </section>
      ) : null}
      <section aria-labelledby="list-h">
        <h2 id="list-h">抽查批次</h2>
        {d.batches.length === 0 ? (
          <p className="muted">尚无抽查批次。</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">批次</th>
                  <th scope="col">随机种子</th>
                  <th scope="col">数量</th>
                  <th scope="col">类别</th>
                  <th scope="col">单位数</th>
                  <th scope="col">创建</th>
                  <th scope="col">公开</th>
                </tr>
              </thead>
              <tbody>
                {d.batches.map((b) => (
                  <tr key={b.id}>
                    <td>
                      <Link to={`/spotchecks/${b.id}`}>抽查批次#{b.id}</Link>
                    </td>
                    <td>
                      <code>{b.seed}</code>
                    </td>
                    <td>{b.size}</td>
                    <td>{b.categoryName ?? "全部类别"}</td>
                    <td>{b.unitCount}</td>
                    <td>
                      {b.createdAtText} {b.createdByName}
                    </td>
                    <td>{b.published ? <span className="badge ok">已公开</span> : <span className="badge">未公开</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
