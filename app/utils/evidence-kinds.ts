/**
 * The evidence file types the platform accepts (佐证材料允许的文件类型). Shared by the server
 * (content detection, download headers) and the browser (accept attribute, labels).
 */
export const EVIDENCE_KINDS = ["pdf", "jpeg", "png", "ofd", "docx", "xlsx", "pptx", "doc", "xls"] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

interface KindInfo {
  label: string;
  mime: string;
  extensions: readonly string[];
  /** Shown inline in the browser (preview) rather than downloaded. */
  inline: boolean;
}

export const EVIDENCE_KIND_INFO: Record<EvidenceKind, KindInfo> = {
  pdf: { label: "PDF文件", mime: "application/pdf", extensions: [".pdf"], inline: true },
  jpeg: { label: "JPEG图片", mime: "image/jpeg", extensions: [".jpg", ".jpeg"], inline: true },
  png: { label: "PNG图片", mime: "image/png", extensions: [".png"], inline: true },
  ofd: { label: "OFD版式文件", mime: "application/ofd", extensions: [".ofd"], inline: false },
  docx: {
    label: "Word文档",
    mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    extensions: [".docx"],
    inline: false,
  },
  xlsx: {
    label: "Excel表格",
    mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    extensions: [".xlsx"],
    inline: false,
  },
  pptx: {
    label: "PowerPoint演示文稿",
    mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    extensions: [".pptx"],
    inline: false,
  },
  doc: { label: "Word 97-2003文档", mime: "application/msword", extensions: [".doc"], inline: false },
  xls: { label: "Excel 97-2003表格", mime: "application/vnd.ms-excel", extensions: [".xls"], inline: false },
};

/** For `<input type="file" accept=…>`: the extensions of these kinds (every accepted kind by default). */
export function evidenceAccept(kinds: readonly EvidenceKind[] = EVIDENCE_KINDS): string {
  return kinds.flatMap((k) => EVIDENCE_KIND_INFO[k].extensions).join(",");
}

/** The one sentence naming what an uploader accepts: "PDF文件（.pdf）、JPEG图片（.jpg/.jpeg）". */
export function evidenceKindsText(kinds: readonly EvidenceKind[] = EVIDENCE_KINDS): string {
  return kinds.map((k) => `${EVIDENCE_KIND_INFO[k].label}（${EVIDENCE_KIND_INFO[k].extensions.join("/")}）`).join("、");
}

export function isEvidenceKind(value: string): value is EvidenceKind {
  return (EVIDENCE_KINDS as readonly string[]).includes(value);
}

export function evidenceKindLabel(kind: string): string {
  return isEvidenceKind(kind) ? EVIDENCE_KIND_INFO[kind].label : kind;
}

/** The kind an extension claims (".PDF" → "pdf"), or null when the extension is not accepted. */
export function kindForFileName(fileName: string): EvidenceKind | null {
  const dot = fileName.lastIndexOf(".");
  if (dot < 0) return null;
  const ext = fileName.slice(dot).toLowerCase();
  return EVIDENCE_KINDS.find((k) => EVIDENCE_KIND_INFO[k].extensions.includes(ext)) ?? null;
}

/** "1.5 MB", "320 KB", "12 B". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, "")} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, "")} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2).replace(/\.?0+$/, "")} GB`;
}
