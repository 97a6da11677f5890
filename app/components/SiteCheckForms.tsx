import { Form, Link } from "@remix-run/react";
import { COLUMN_KINDS, CONDITION_CODES, CONDITION_LABELS } from "../services/site-check/rules";
import { Field, FieldError } from "./Field";

/** The 网站检查 page's pieces: the window settings, the websites and columns, the proposals. */

type Errors = Record<string, string | undefined>;

interface WindowSettings {
  startsAtLocal: string;
  endsAtLocal: string;
  visitsPerDay: number;
  timeoutMs: number;
  depth: number;
  pageBudget: number;
  perHostPerSecond: number;
  userAgent: string;
  replyDays: number;
  allowPrivate: boolean;
  batchId: number | null;
  freshnessDays: Record<string, number>;
  mappings: Record<string, { nodeCode: string; faultCode: string }>;
  version: number | null;
}

export function WindowSettingsForm({ cycleId, settings: s, batches, errors: e }: { cycleId: number; settings: WindowSettings; batches: { id: number; seed: string }[]; errors: Errors }) {
  return (
    <section className="card" aria-labelledby="window-h">
      <h2 id="window-h">监测设置</h2>
      <Form method="post">
        <input type="hidden" name="intent" value="window" />
        <input type="hidden" name="cycleId" value={cycleId} />
        <input type="hidden" name="version" value={s.version ?? ""} />
        <Field name="startsAt" label="监测开始时间（北京时间）" type="datetime-local" defaultValue={s.startsAtLocal} error={e.startsAt} />
        <Field name="endsAt" label="监测结束时间（北京时间）" type="datetime-local" defaultValue={s.endsAtLocal} error={e.endsAt} />
        <Field name="visitsPerDay" label="每日访问首页次数（均匀分布在一天中）" defaultValue={s.visitsPerDay} error={e.visitsPerDay} />
        <Field name="timeoutSeconds" label="超时时间（秒，超过即记为无法访问）" defaultValue={s.timeoutMs / 1000} error={e.timeoutSeconds} />
        <Field name="depth" label="链接检查深度（1 = 首页及其下一级页面）" defaultValue={s.depth} error={e.depth} />
        <Field name="pageBudget" label="每个网站最多请求页面数" defaultValue={s.pageBudget} error={e.pageBudget} />
        <Field name="perHostPerSecond" label="对同一网站每秒最多请求数" defaultValue={s.perHostPerSecond} error={e.perHostPerSecond} />
        <Field name="userAgent" label="User-Agent（标明平台和本办）" defaultValue={s.userAgent} error={e.userAgent} />
        <Field name="replyDays" label="留言回复期限（天）" defaultValue={s.replyDays} error={e.replyDays} />
        <fieldset>
          <legend>栏目更新期限（天）</legend>
          {COLUMN_KINDS.map((k) => (
            <Field key={k} name={`fresh_${k}`} label={k} defaultValue={s.freshnessDays[k]} error={e[`fresh_${k}`]} />
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="f-batchId">确认检查发现所用的抽查批次（由该批次抽中的检查人员确认）</label>
          <select id="f-batchId" name="batchId" defaultValue={s.batchId ?? ""}>
            <option value="">暂不指定</option>
            {batches.map((b) => (
              <option key={b.id} value={b.id}>
                抽查批次#{b.id}（{b.seed}）
              </option>
            ))}
          </select>
          <FieldError id="f-batchId-error" message={e.batchId} />
        </div>
        <fieldset>
          <legend>检查发现对应的指标和扣分项（末级指标编号、扣分项编号）</legend>
          {CONDITION_CODES.map((c) => (
            <div key={c} className="inline-form">
              <Field name={`node_${c}`} label={`${CONDITION_LABELS[c]}：指标编号`} defaultValue={s.mappings[c]?.nodeCode ?? ""} error={e[`node_${c}`]} />
              <Field name={`fault_${c}`} label="扣分项编号" defaultValue={s.mappings[c]?.faultCode ?? ""} error={e[`fault_${c}`]} />
            </div>
          ))}
        </fieldset>
        <div className="field">
          <label>
            <input type="checkbox" name="allowPrivate" defaultChecked={s.allowPrivate} /> 允许访问内网地址（仅用于内网网站）
          </label>
        </div>
        <button type="submit">保存监测设置</button>
      </Form>
    </section>
  );
}

interface WebsiteRow {
  id: number;
  unitId: number;
  unitCode: string;
  unitName: string;
  name: string;
  url: string;
  columns: { id: number; kind: string; name: string; url: string }[];
}

export function WebsiteEditor({ websites, units, errors: e, year }: { websites: WebsiteRow[]; units: { id: number; code: string; name: string }[]; errors: Errors; year: number }) {
  return (
    <section className="card" aria-labelledby="sites-h">
      <h2 id="sites-h">单位网站和重点栏目</h2>
      <p>
        <Link to="/site-checks/import">从 Excel 批量导入</Link> · <a href="/site-checks/websites.xlsx" download>导出为 Excel</a>
      </p>
      {websites.length === 0 ? <p className="muted">尚未登记单位网站。</p> : null}
      {websites.map((w) => (
        <div key={w.id}>
          <h3>
            <Link to={`/site-checks/units/${w.unitId}?cycle=${year}`}>
              {w.unitCode} {w.unitName}
            </Link>
            ：{w.name} <code>{w.url}</code>
          </h3>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="removeWebsite" />
            <input type="hidden" name="websiteId" value={w.id} />
            <button type="submit" className="secondary">
              删除网站
            </button>
          </Form>
          <ul>
            {w.columns.map((c) => (
              <li key={c.id}>
                {c.kind} · {c.name} <code>{c.url}</code>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="removeColumn" />
                  <input type="hidden" name="columnId" value={c.id} />
                  <button type="submit" className="secondary">
                    删除栏目
                  </button>
                </Form>
              </li>
            ))}
          </ul>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="column" />
            <input type="hidden" name="websiteId" value={w.id} />
            <div className="field">
              <label htmlFor={`kind-${w.id}`}>栏目类型</label>
              <select id={`kind-${w.id}`} name="kind">
                {COLUMN_KINDS.map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </select>
            </div>
            <Field id={`cname-${w.id}`} name="name" label="栏目名称" />
            <Field id={`curl-${w.id}`} name="url" label="栏目地址" />
            <button type="submit">登记栏目</button>
          </Form>
        </div>
      ))}
      <h3>登记网站</h3>
      <Form method="post">
        <input type="hidden" name="intent" value="website" />
        <div className="field">
          <label htmlFor="f-unitId">单位</label>
          <select id="f-unitId" name="unitId">
            {units.map((u) => (
              <option key={u.id} value={u.id}>
                {u.code} {u.name}
              </option>
            ))}
          </select>
          <FieldError id="f-unitId-error" message={e.unitId} />
        </div>
        <Field name="name" label="网站名称" error={e.name} />
        <Field name="url" label="网站首页地址" error={e.url ?? e.kind} />
        <button type="submit">登记网站</button>
      </Form>
    </section>
  );
}

interface ProposalRow {
  id: number;
  unitId: number;
  unitCode: string;
  unitName: string;
  label: string;
  message: string;
  url: string;
  status: string;
  reason: string | null;
  findingId: number | null;
  evidence: string | null;
  mapping: { nodeCode: string; faultCode: string } | null;
  decidedAt: string;
}

const STATUS_LABELS: Record<string, string> = { proposed: "待确认", confirmed: "已确认", dismissed: "不予采纳" };

export function ProposalTable({ proposals, year, errors: e }: { proposals: ProposalRow[]; year: number; errors: Errors }) {
  if (proposals.length === 0) return <p className="muted">暂无检查发现。</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">单位</th>
            <th scope="col">问题</th>
            <th scope="col">证据</th>
            <th scope="col">对应指标</th>
            <th scope="col">处理</th>
          </tr>
        </thead>
        <tbody>
          {proposals.map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={`/site-checks/units/${p.unitId}?cycle=${year}`}>
                  {p.unitCode} {p.unitName}
                </Link>
              </td>
              <td>
                {p.label}：{p.message}
              </td>
              <td>{p.evidence ?? p.url}</td>
              <td>{p.mapping ? `${p.mapping.nodeCode} / ${p.mapping.faultCode}` : "未对应"}</td>
              <td>
                {p.status === "proposed" ? (
                  <>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="confirm" />
                      <input type="hidden" name="proposalId" value={p.id} />
                      <button type="submit">确认</button>
                    </Form>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="dismiss" />
                      <input type="hidden" name="proposalId" value={p.id} />
                      <Field id={`reason-${p.id}`} name="reason" label="不予采纳的理由" error={e.reason} />
                      <button type="submit" className="secondary">
                        不予采纳
                      </button>
                    </Form>
                  </>
                ) : (
                  <>
                    {STATUS_LABELS[p.status]}（{p.decidedAt}）{p.findingId ? `：抽查发现#${p.findingId}` : ""}
                    {p.reason ? `：${p.reason}` : ""}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
