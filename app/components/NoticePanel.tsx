import { Form } from "@remix-run/react";
import { NOTICE_LIMITS, type NoticeForm } from "../domain/notice-form";
import { formatBeijingTime } from "../utils/beijing-time";
import { Field, FieldError } from "./Field";

export interface NoticePanelProps {
  year: number;
  saved: { updatedAt: string; current: boolean } | null;
  /** The form (office, while the cycle is 已定稿); null for readers. */
  form: NoticeForm | null;
  errors: Record<string, string | undefined>;
  /** Typed values echoed back after a refused save. */
  values: Record<string, string> | null;
  busy: boolean;
}

function TextArea({ name, label, value, error, max, rows }: { name: string; label: string; value: string; error?: string; max: number; rows: number }) {
  const id = `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name={name} defaultValue={value} maxLength={max} rows={rows} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/** 考核结果通报 on the results page of a finalised cycle: its state, the downloads, and (office) the form. */
export function NoticePanel({ year, saved, form, errors, values, busy }: NoticePanelProps) {
  const v = (k: keyof NoticeForm) => values?.[k] ?? form?.[k] ?? "";
  return (
    <section className="card" aria-labelledby="notice-heading">
      <h2 id="notice-heading">考核结果通报</h2>
      {saved === null ? (
        <p className="muted">{form ? "尚未编写通报。填写发文机关、文号、标题和正文后保存，即可下载 Word 或 PDF 格式的通报。" : "政务公开办尚未编写本年度考核结果通报。"}</p>
      ) : saved.current ? (
        <nav aria-label="下载通报" className="inline-form">
          <span className="muted">已于 {formatBeijingTime(saved.updatedAt, "minute")} 保存，依据本年度定稿结果。下载：</span>
          <a href={`/results/${year}/notice/docx`} download>
            通报（Word）
          </a>
          <a href={`/results/${year}/notice/pdf`} download>
            通报（PDF）
          </a>
        </nav>
      ) : (
        <p className="form-error" role="alert">
          考核结果已变化，原通报不再适用，须由政务公开办重新保存后才能下载。
        </p>
      )}
      {form ? (
        // Folded once a notice is saved and current; open to write the first one, to save it again for changed results, or to correct a refused save.
        <details open={saved === null || !saved.current || Object.keys(errors).length > 0}>
          <summary>{saved === null ? "编写通报" : "修改通报"}</summary>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="year" value={year} />
            <FieldError id="notice-form-error" message={errors._form} />
            <Field name="issuingBody" label="发文机关" defaultValue={v("issuingBody")} maxLength={NOTICE_LIMITS.issuingBody} error={errors.issuingBody} />
            <Field name="docNumber" label="文号" defaultValue={v("docNumber")} maxLength={NOTICE_LIMITS.docNumber} error={errors.docNumber} hint="如 明政办发〔2026〕3号" />
            <Field name="title" label="标题" defaultValue={v("title")} maxLength={NOTICE_LIMITS.title} error={errors.title} />
            <Field name="issuedOn" label="成文日期" type="date" defaultValue={v("issuedOn")} error={errors.issuedOn} />
            <TextArea name="opening" label="开头段落" value={v("opening")} error={errors.opening} max={NOTICE_LIMITS.opening} rows={4} />
            <p className="muted">考核结果（按类别的排名、等次和维度得分）和共性问题（失分分析）由定稿结果自动生成。</p>
            <TextArea name="closing" label="工作要求（可不填）" value={v("closing")} error={errors.closing} max={NOTICE_LIMITS.closing} rows={3} />
            <div>
              <button type="submit" name="intent" value="notice" disabled={busy}>
                保存通报
              </button>
            </div>
          </Form>
        </details>
      ) : null}
    </section>
  );
}
