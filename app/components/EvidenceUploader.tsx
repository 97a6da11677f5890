import { useRevalidator } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { EVIDENCE_KINDS, evidenceAccept, evidenceKindsText, formatBytes, kindForFileName, type EvidenceKind } from "../utils/evidence-kinds";

/**
 * What an upload action answers (as JSON, e.g. `Response.json(...)`): either success, or one
 * Chinese message explaining the refusal.
 */
export type EvidenceUploadResponse = { ok: true; message?: string } | { ok: false; error: string };

interface Props {
  /** URL of the action that receives the multipart POST. */
  action: string;
  /** Name of the file field (default "file"). */
  fieldName?: string;
  /** Extra form fields sent along, e.g. { intent: "upload", leafId: "12" }. */
  fields?: Record<string, string>;
  label?: string;
  multiple?: boolean;
  /** Per-file limit, checked in the browser before sending (the server checks again). */
  maxFileBytes?: number;
  /** The file types this upload takes (an indicator may allow fewer than the platform); all by default. */
  kinds?: readonly EvidenceKind[];
  disabled?: boolean;
  onUploaded?: (response: EvidenceUploadResponse) => void;
}

type State =
  | { phase: "idle" }
  | { phase: "uploading"; loaded: number; total: number }
  | { phase: "done"; message: string }
  | { phase: "error"; message: string };

/** Check what the browser can see before sending; the server does the real checks. */
function precheck(files: File[], kinds: readonly EvidenceKind[], maxFileBytes?: number): string | null {
  if (files.length === 0) return "请选择要上传的文件";
  for (const f of files) {
    if (f.size === 0) return `文件“${f.name}”为空，已拒绝上传`;
    const kind = kindForFileName(f.name);
    if (!kind || !kinds.includes(kind)) return `文件“${f.name}”的类型不受支持，可上传：${evidenceKindsText(kinds)}`;
    if (maxFileBytes && f.size > maxFileBytes) return `文件“${f.name}”超过${formatBytes(maxFileBytes)}上限，已拒绝上传`;
  }
  return null;
}

function responseError(xhr: XMLHttpRequest): string {
  try {
    const body = JSON.parse(xhr.responseText) as Partial<{ error: string }>;
    if (body.error) return body.error;
  } catch {
    // not JSON
  }
  if (xhr.status === 403) return "您无权上传到此处";
  if (xhr.status === 413) return "文件过大，已拒绝上传";
  return `上传失败（HTTP ${xhr.status}），请稍后重试`;
}

/**
 * File picker that uploads with XMLHttpRequest (so progress can be shown) to `action`, then
 * revalidates the page's loaders so the new evidence appears.
 */
export function EvidenceUploader({ action, fieldName = "file", fields, label = "上传佐证材料", multiple = true, maxFileBytes, kinds = EVIDENCE_KINDS, disabled, onUploaded }: Props) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const xhrRef = useRef<XMLHttpRequest | null>(null);
  const [state, setState] = useState<State>({ phase: "idle" });
  const revalidator = useRevalidator();

  useEffect(() => () => xhrRef.current?.abort(), []);

  function start() {
    const files = Array.from(inputRef.current?.files ?? []);
    const problem = precheck(files, kinds, maxFileBytes);
    if (problem) {
      setState({ phase: "error", message: problem });
      return;
    }
    const body = new FormData();
    for (const [k, v] of Object.entries(fields ?? {})) body.append(k, v);
    for (const f of files) body.append(fieldName, f, f.name);

    const xhr = new XMLHttpRequest();
    xhrRef.current = xhr;
    xhr.open("POST", action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setState({ phase: "uploading", loaded: e.loaded, total: e.total });
    };
    xhr.onload = () => {
      xhrRef.current = null;
      let parsed: EvidenceUploadResponse | null = null;
      try {
        parsed = JSON.parse(xhr.responseText) as EvidenceUploadResponse;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && parsed?.ok) {
        setState({ phase: "done", message: parsed.message ?? `已上传 ${files.length} 个文件` });
        if (inputRef.current) inputRef.current.value = "";
        onUploaded?.(parsed);
        revalidator.revalidate();
      } else {
        const message = responseError(xhr);
        setState({ phase: "error", message });
        onUploaded?.({ ok: false, error: message });
      }
    };
    xhr.onerror = () => {
      xhrRef.current = null;
      setState({ phase: "error", message: "网络错误，上传未完成，请重试" });
    };
    xhr.onabort = () => {
      xhrRef.current = null;
      setState({ phase: "error", message: "已取消上传，文件未保存" });
    };
    setState({ phase: "uploading", loaded: 0, total: files.reduce((n, f) => n + f.size, 0) });
    xhr.send(body);
  }

  const uploading = state.phase === "uploading";
  const percent = uploading && state.total > 0 ? Math.min(100, Math.round((state.loaded / state.total) * 100)) : 0;

  return (
    <div className="stack evidence-uploader">
      <div className="field">
        <label htmlFor={`${id}-file`}>{label}</label>
        <input ref={inputRef} id={`${id}-file`} type="file" accept={evidenceAccept(kinds)} multiple={multiple} disabled={disabled || uploading} aria-describedby={`${id}-hint`} />
        <span id={`${id}-hint`} className="muted">
          可上传的文件类型：{evidenceKindsText(kinds)}
          {maxFileBytes ? `；单个文件不超过${formatBytes(maxFileBytes)}` : ""}
        </span>
      </div>
      <div className="toolbar">
        <button type="button" onClick={start} disabled={disabled || uploading}>
          {uploading ? "正在上传…" : "上传"}
        </button>
        {uploading ? (
          <button type="button" className="secondary" onClick={() => xhrRef.current?.abort()}>
            取消上传
          </button>
        ) : null}
      </div>
      {uploading ? (
        <div className="field">
          <label htmlFor={`${id}-progress`}>上传进度</label>
          <progress id={`${id}-progress`} max={100} value={percent} aria-valuetext={`${percent}%`}>
            {percent}%
          </progress>
          <span aria-hidden="true">
            {percent}%（{formatBytes(state.loaded)} / {formatBytes(state.total)}）
          </span>
        </div>
      ) : null}
      <p role="status" aria-live="polite" className={state.phase === "error" ? "form-error" : "muted"}>
        {state.phase === "done" || state.phase === "error" ? state.message : uploading ? `已上传 ${percent}%` : ""}
      </p>
    </div>
  );
}
