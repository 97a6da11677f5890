import ExcelJS from "exceljs";
import { getSqlite } from "../../db/client";

/**
 * A real evidence owner of a unit (evidence owners are foreign keys): a leaf of its newest
 * submission, as `<submission id>:<leaf node id>`.
 */
export function leafOwnerOf(unitId: number): string {
  const owner = getSqlite()
    .prepare("SELECT s.id || ':' || a.node_id FROM submission_answers a JOIN submissions s ON s.id = a.submission_id WHERE s.unit_id = ? ORDER BY s.id DESC, a.id LIMIT 1")
    .pluck()
    .get(unitId) as string | undefined;
  if (!owner) throw new Error(`unit ${unitId} has no submission to own evidence`);
  return owner;
}

/** Real-format sample files for evidence upload tests, built in memory. */

export function pdfBytes(text = "佐证材料"): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}

/**
 * File names (without extension) a desktop allows and a browser sends as they are: `=`, `;`,
 * quotes, runs of spaces, Chinese, emoji, and one at the 255-byte limit of common file systems.
 * `expected` is the display name kept (runs of spaces collapse; longer than 120 characters is cut,
 * keeping the extension).
 */
export const DESKTOP_FILE_NAMES: { stem: string; expected: (ext: string) => string }[] = [
  { stem: "a=b", expected: (ext) => `a=b${ext}` },
  { stem: "报告;终稿", expected: (ext) => `报告;终稿${ext}` },
  { stem: `他说"公开"`, expected: (ext) => `他说"公开"${ext}` },
  { stem: "it's 2026", expected: (ext) => `it's 2026${ext}` },
  { stem: "政务  公开  年报", expected: (ext) => `政务 公开 年报${ext}` },
  { stem: "整改情况（第1次）&[附件]#%20+", expected: (ext) => `整改情况（第1次）&[附件]#%20+${ext}` },
  { stem: "✅ 整改完成 😀", expected: (ext) => `✅ 整改完成 😀${ext}` },
  { stem: "名".repeat(80), expected: (ext) => "名".repeat(80) + ext },
  { stem: "x".repeat(250), expected: (ext) => "x".repeat(120 - ext.length) + ext },
];

export const PNG_BYTES = Uint8Array.from(
  Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"),
);

export const JPEG_BYTES = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);

/** An ELF program header followed by padding. */
export const ELF_BYTES = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, ...new Array(56).fill(0)]);

/** A Windows PE program ("MZ" … "PE\0\0"). */
export const EXE_BYTES = (() => {
  const b = new Uint8Array(128);
  b.set([0x4d, 0x5a]);
  b.set([0x80, 0, 0, 0], 0x3c);
  return b;
})();

// ---------------------------------------------------------------- ZIP

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  /** The entry's bytes as stored in the archive (already deflated when method is 8). */
  data: Uint8Array;
  /** 0 stored (default), 8 deflated. */
  method?: 0 | 8;
  /** What the entry claims to inflate to (default: data's length). */
  size?: number;
  /** Default: the CRC-32 of data. */
  crc?: number;
}

/** A ZIP archive of the entries, with UTF-8 names (local headers, central directory, end record). */
export function zipArchive(entries: ZipEntry[]): Uint8Array<ArrayBuffer> {
  const locals: Uint8Array[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const nameBuf = Buffer.from(entry.name, "utf8");
    const method = entry.method ?? 0;
    const crc = entry.crc ?? crc32(entry.data);
    const size = entry.size ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, entry.data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + entry.data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]));
}

/** A ZIP of text files, stored uncompressed. */
export function zipBytes(entries: Record<string, string>): Uint8Array<ArrayBuffer> {
  return zipArchive(Object.entries(entries).map(([name, content]) => ({ name, data: Buffer.from(content, "utf8") })));
}

const CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';

export function docxBytes(): Uint8Array<ArrayBuffer> {
  return zipBytes({ "[Content_Types].xml": CT, "_rels/.rels": "<Relationships/>", "word/document.xml": "<w:document/>" });
}

export function pptxBytes(): Uint8Array<ArrayBuffer> {
  return zipBytes({ "[Content_Types].xml": CT, "ppt/presentation.xml": "<p:presentation/>" });
}

export function ofdBytes(): Uint8Array<ArrayBuffer> {
  return zipBytes({ "OFD.xml": '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>', "Doc_0/Document.xml": "<ofd:Document/>" });
}

/** A real workbook written by exceljs. */
export async function xlsxBytes(): Promise<Uint8Array<ArrayBuffer>> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("自查").addRow(["指标", "得分"]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------- OLE2 compound file (DOC/XLS)

/** A minimal valid compound file (512-byte sectors: FAT in sector 0, directory in sector 1). */
export function oleBytes(streamNames: string[]): Uint8Array<ArrayBuffer> {
  if (streamNames.length > 3) throw new Error("at most 3 streams fit the one directory sector");
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c); // one FAT sector
  header.writeUInt32LE(1, 0x30); // directory starts at sector 1
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(0xfffffffe, 0x3c);
  header.writeUInt32LE(0xfffffffe, 0x44);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 0x4c + i * 4);
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0); // sector 0 is a FAT sector
  fat.writeUInt32LE(0xfffffffe, 4); // sector 1 (directory) ends its chain
  const dir = Buffer.alloc(512);
  ["Root Entry", ...streamNames].forEach((name, i) => {
    const p = i * 128;
    const encoded = Buffer.from(name + "\0", "utf16le");
    encoded.copy(dir, p);
    dir.writeUInt16LE(encoded.length, p + 0x40);
    dir[p + 0x42] = i === 0 ? 5 : 2;
    dir.writeUInt32LE(0xffffffff, p + 0x44);
    dir.writeUInt32LE(0xffffffff, p + 0x48);
    dir.writeUInt32LE(i === 0 && streamNames.length ? 1 : 0xffffffff, p + 0x4c);
    dir.writeUInt32LE(0xfffffffe, p + 0x74);
  });
  return new Uint8Array(Buffer.concat([header, fat, dir]));
}

/** An async iterable yielding the bytes in chunks, like a multipart part's `data`. */
export async function* chunksOf(bytes: Uint8Array, chunkSize = 16 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
}
