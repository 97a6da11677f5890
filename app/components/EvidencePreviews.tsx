import { useState } from "react";
import { EVIDENCE_KIND_INFO, isEvidenceKind } from "../utils/evidence-kinds";

interface FileView {
  id: number;
  originalName: string;
  kind: string;
}

/** A PDF shown in the page on demand (the browser's PDF viewer is heavy: it loads only when opened). */
function PdfPreview({ file }: { file: FileView }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)} style={{ width: "100%" }}>
      <summary>在页面内预览 {file.originalName}</summary>
      {open ? <iframe src={`/evidence/${file.id}`} title={`预览 ${file.originalName}`} style={{ width: "100%", height: "28rem", border: "1px solid #ccc" }} /> : null}
    </details>
  );
}

/** Inline previews of evidence: images as thumbnails, PDFs in the page on demand. */
export function EvidencePreviews({ files }: { files: readonly FileView[] }) {
  const previewable = files.filter((f) => isEvidenceKind(f.kind) && EVIDENCE_KIND_INFO[f.kind].inline);
  if (previewable.length === 0) return null;
  return (
    <div className="toolbar" style={{ flexWrap: "wrap", alignItems: "flex-start" }}>
      {previewable.map((f) =>
        f.kind === "pdf" ? (
          <PdfPreview key={f.id} file={f} />
        ) : (
          <figure key={f.id} style={{ margin: 0 }}>
            <a href={`/evidence/${f.id}`} target="_blank" rel="noopener noreferrer">
              <img src={`/evidence/${f.id}`} alt={f.originalName} loading="lazy" style={{ maxWidth: "16rem", maxHeight: "12rem" }} />
            </a>
            <figcaption className="muted">{f.originalName}</figcaption>
          </figure>
        ),
      )}
    </div>
  );
}
