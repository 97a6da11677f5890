import { Form, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";

export interface ImportOutcome {
  ok: boolean;
  message: string;
  errors: { sheet: string; row: number; message: string }[];
}

/** The multipart form that uploads one .xlsx file to check and import; other fields (children) go before the file. */
export function XlsxUploadForm({ busy, action, children }: { busy: boolean; action?: string; children?: ReactNode }) {
  return (
    <Form method="post" action={action} encType="multipart/form-data" className="stack">
      {children}
      <div className="field">
        <label htmlFor="import-file">选择 .xlsx 文件（不超过 5 MB）</label>
        <input id="import-file" name="file" type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
      </div>
      <div>
        <button type="submit" disabled={busy}>
          {busy ? "正在检查并导入…" : "检查并导入"}
        </button>
      </div>
    </Form>
  );
}

/** Upload form for an .xlsx import, followed by its outcome: a success summary or every bad row. */
export function ImportForm({ templateHref, outcome, children }: { templateHref: string; outcome?: ImportOutcome; children?: ReactNode }) {
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <div className="card">
        <p>
          请先<a href={templateHref} download>下载导入模板</a>，按模板第1行的表头填写（“说明”工作表列出了每一列的要求），保存为 .xlsx 后上传。系统会先检查所有行：只要有一行有错误，就不会导入任何数据。
        </p>
        <XlsxUploadForm busy={busy} />
      </div>

      {outcome ? (
        outcome.ok ? (
          <div className="notice" role="status">
            {outcome.message}
            {children}
          </div>
        ) : (
          <div className="card">
            <p className="form-error" role="alert">
              {outcome.message}
            </p>
            {outcome.errors.length ? (
              <div className="table-wrap">
                <table>
                  <caption className="muted">错误明细（共 {outcome.errors.length} 条，行号即 Excel 中的行号）</caption>
                  <thead>
                    <tr>
                      <th scope="col">位置</th>
                      <th scope="col">错误原因</th>
                    </tr>
                  </thead>
                  <tbody>
                    {outcome.errors.map((e, i) => (
                      <tr key={i}>
                        <td>
                          工作表“{e.sheet}”第{e.row}行
                        </td>
                        <td>{e.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </div>
        )
      ) : null}
    </>
  );
}
