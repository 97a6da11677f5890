import { Fragment, useState, type ReactNode } from "react";
import { formatBeijingTime } from "../utils/beijing-time";
import { EVIDENCE_KIND_INFO, evidenceKindLabel, formatBytes, isEvidenceKind } from "../utils/evidence-kinds";

/** The fields of an evidence file the list shows (a loader can pass the row as it is). */
export interface EvidenceFileView {
  id: number;
  originalName: string;
  kind: string;
  size: number;
  sha256: string;
  uploadedAt: string;
  lockedAt: string | null;
}

export interface EvidenceLinkView {
  id: number;
  url: string;
  title: string;
  createdAt: string;
  lockedAt: string | null;
}

interface Props {
  files: EvidenceFileView[];
  links?: EvidenceLinkView[];
  caption?: string;
  /** Extra controls per file, e.g. a delete form while the evidence is unlocked. */
  fileActions?: (file: EvidenceFileView) => ReactNode;
  linkActions?: (link: EvidenceLinkView) => ReactNode;
}

/** The file shown in the page: a PDF in a same-origin frame (evidence may be framed by the app), an image as an image. */
function InlinePreview({ file }: { file: EvidenceFileView }) {
  const src = `/evidence/${file.id}`;
  if (file.kind === "pdf") return <iframe src={src} title={`${file.originalName} 预览`} style={{ width: "100%", height: "70vh", border: "1px solid #ccc" }} />;
  return <img src={src} alt={`${file.originalName} 预览`} style={{ maxWidth: "100%", maxHeight: "70vh" }} />;
}

/** Evidence files (name, type, size, SHA-256, preview in the page or a new window, download) and links of one item. */
export function EvidenceList({ files, links = [], caption = "佐证材料", fileActions, linkActions }: Props) {
  const [shown, setShown] = useState<number | null>(null);
  if (files.length === 0 && links.length === 0) return <p className="muted">尚未提供佐证材料。</p>;
  return (
    <div className="stack">
      {files.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">文件名</th>
                <th scope="col">类型</th>
                <th scope="col" className="num">
                  大小
                </th>
                <th scope="col">SHA-256</th>
                <th scope="col">上传时间</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => {
                const previewable = isEvidenceKind(f.kind) && EVIDENCE_KIND_INFO[f.kind].inline;
                return (
                  <Fragment key={f.id}>
                    <tr>
                      <td>
                        {f.originalName} {f.lockedAt ? <span className="badge ok">已锁定</span> : null}
                      </td>
                      <td>{evidenceKindLabel(f.kind)}</td>
                      <td className="num">{formatBytes(f.size)}</td>
                      <td>
                        <code style={{ wordBreak: "break-all", fontSize: ".8rem" }}>{f.sha256}</code>
                      </td>
                      <td>{formatBeijingTime(f.uploadedAt, "minute")}</td>
                      <td>
                        <span className="toolbar">
                          {previewable ? (
                            <>
                              <button
                                type="button"
                                className="secondary"
                                aria-expanded={shown === f.id}
                                onClick={() => setShown(shown === f.id ? null : f.id)}
                                aria-label={`${shown === f.id ? "收起预览" : "在页面中预览"} ${f.originalName}`}
                              >
                                {shown === f.id ? "收起" : "预览"}
                              </button>
                              <a href={`/evidence/${f.id}`} target="_blank" rel="noopener noreferrer" aria-label={`预览 ${f.originalName}（在新窗口打开）`}>
                                新窗口
                              </a>
                            </>
                          ) : null}
                          <a href={`/evidence/${f.id}?download=1`} aria-label={`下载 ${f.originalName}`}>
                            下载
                          </a>
                          {fileActions?.(f)}
                        </span>
                      </td>
                    </tr>
                    {shown === f.id ? (
                      <tr>
                        <td colSpan={6}>
                          <InlinePreview file={f} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {links.length > 0 ? (
        <div>
          <h4>相关链接</h4>
          <ul>
            {links.map((l) => (
              <li key={l.id}>
                <a href={l.url} target="_blank" rel="noopener noreferrer nofollow">
                  {l.title}
                </a>{" "}
                <span className="muted">{l.url !== l.title ? l.url : ""}</span> {l.lockedAt ? <span className="badge ok">已锁定</span> : null}
                {linkActions?.(l)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
