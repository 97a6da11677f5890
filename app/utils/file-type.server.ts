import fs from "node:fs";
import type { EvidenceKind } from "./evidence-kinds";

/**
 * Detects an evidence file's real type from its content (magic numbers), reading only the bytes
 * needed: the first few bytes, and for containers the ZIP central directory or the OLE2 (compound
 * file) directory. Returns null for anything outside the allow-list (programs, text, plain ZIPs,
 * other Office formats…).
 */
export async function detectFileKind(filePath: string): Promise<EvidenceKind | null> {
  const fh = await fs.promises.open(filePath, "r");
  try {
    const { size } = await fh.stat();
    const reader: Reader = async (position, length) => {
      if (position < 0 || position >= size) return Buffer.alloc(0);
      const buf = Buffer.alloc(Math.min(length, size - position));
      const { bytesRead } = await fh.read(buf, 0, buf.length, position);
      return buf.subarray(0, bytesRead);
    };
    const head = await reader(0, 8);
    if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "pdf"; // %PDF-
    if (startsWith(head, [0xff, 0xd8, 0xff])) return "jpeg";
    if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
    if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return classifyZip(await zipEntryNames(reader, size));
    if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return classifyOle(await oleEntryNames(reader));
    return null;
  } finally {
    await fh.close();
  }
}

type Reader = (position: number, length: number) => Promise<Buffer>;

function startsWith(buf: Uint8Array, magic: number[]): boolean {
  return buf.length >= magic.length && magic.every((b, i) => buf[i] === b);
}

// ---------------------------------------------------------------- ZIP (OFD, DOCX/XLSX/PPTX)

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CDH_SIG = 0x02014b50;
/** A real document's central directory is a few KB; refuse to read absurd ones. */
const MAX_CENTRAL_DIRECTORY = 8 * 1024 * 1024;

/** Entry names from the ZIP central directory (found via the end-of-central-directory record). */
async function zipEntryNames(read: Reader, size: number): Promise<string[] | null> {
  const tailLength = Math.min(size, 22 + 0xffff);
  const tailStart = size - tailLength;
  const tail = await read(tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  let entries = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locatorAt = tailStart + eocd - 20;
    const locator = await read(locatorAt, 20);
    if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIG) return null;
    const record = await read(Number(locator.readBigUInt64LE(8)), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIG) return null;
    entries = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY || cdOffset + cdSize > size) return null;
  const cd = await read(cdOffset, cdSize);
  const names: string[] = [];
  let p = 0;
  for (let n = 0; n < entries && p + 46 <= cd.length; n++) {
    if (cd.readUInt32LE(p) !== CDH_SIG) return null;
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    names.push(cd.toString("utf8", p + 46, Math.min(cd.length, p + 46 + nameLength)));
    p += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

function classifyZip(names: string[] | null): EvidenceKind | null {
  if (!names) return null;
  const has = (name: string) => names.includes(name);
  const hasPrefix = (prefix: string) => names.some((n) => n.startsWith(prefix));
  if (names.some((n) => n.toLowerCase() === "ofd.xml")) return "ofd";
  if (!has("[Content_Types].xml")) return null;
  if (has("word/document.xml")) return "docx";
  if (has("xl/workbook.xml")) return "xlsx";
  if (has("ppt/presentation.xml")) return "pptx";
  const found = (["docx", "xlsx", "pptx"] as const).filter((k) => hasPrefix({ docx: "word/", xlsx: "xl/", pptx: "ppt/" }[k]));
  return found.length === 1 ? found[0] : null;
}

// ---------------------------------------------------------------- OLE2 compound file (DOC, XLS)

const ENDOFCHAIN = 0xfffffffe;
const MAX_SECTOR_NUMBER = 0xfffffffa;
/** Directory sectors to walk at most (128 entries each for 4 KB sectors). */
const MAX_DIRECTORY_SECTORS = 512;

/** Names of the streams and storages in the compound file's directory. */
async function oleEntryNames(read: Reader): Promise<string[] | null> {
  const header = await read(0, 512);
  if (header.length < 512) return null;
  const shift = header.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return null;
  const sectorSize = 1 << shift;
  const perSector = sectorSize / 4;
  const sectorOffset = (n: number) => (n + 1) * sectorSize;

  const difatFirst = header.readUInt32LE(0x44);
  const headerDifat: number[] = [];
  for (let i = 0; i < 109; i++) headerDifat.push(header.readUInt32LE(0x4c + i * 4));

  // The FAT sector that holds entry `index` of the FAT, following DIFAT sectors if needed.
  const fatSectorFor = async (fatIndex: number): Promise<number | null> => {
    if (fatIndex < 109) return headerDifat[fatIndex];
    let remaining = fatIndex - 109;
    let difat = difatFirst;
    for (let hops = 0; difat <= MAX_SECTOR_NUMBER && hops < 1024; hops++) {
      const sector = await read(sectorOffset(difat), sectorSize);
      if (sector.length < sectorSize) return null;
      if (remaining < perSector - 1) return sector.readUInt32LE(remaining * 4);
      remaining -= perSector - 1;
      difat = sector.readUInt32LE((perSector - 1) * 4);
    }
    return null;
  };
  const nextSector = async (n: number): Promise<number | null> => {
    const fatSector = await fatSectorFor(Math.floor(n / perSector));
    if (fatSector === null || fatSector > MAX_SECTOR_NUMBER) return null;
    const entry = await read(sectorOffset(fatSector) + (n % perSector) * 4, 4);
    return entry.length === 4 ? entry.readUInt32LE(0) : null;
  };

  const names: string[] = [];
  const seen = new Set<number>();
  let sector = header.readUInt32LE(0x30);
  while (sector !== ENDOFCHAIN) {
    if (sector > MAX_SECTOR_NUMBER || seen.has(sector) || seen.size >= MAX_DIRECTORY_SECTORS) return null;
    seen.add(sector);
    const dir = await read(sectorOffset(sector), sectorSize);
    if (dir.length < sectorSize) return null;
    for (let p = 0; p + 128 <= dir.length; p += 128) {
      const nameLength = dir.readUInt16LE(p + 0x40);
      const type = dir[p + 0x42];
      if (type === 0 || nameLength < 2 || nameLength > 64) continue;
      names.push(dir.toString("utf16le", p, p + nameLength - 2));
    }
    const next = await nextSector(sector);
    if (next === null) return null;
    sector = next;
  }
  return names;
}

function classifyOle(names: string[] | null): EvidenceKind | null {
  if (!names) return null;
  if (names.includes("WordDocument")) return "doc";
  if (names.includes("Workbook") || names.includes("Book")) return "xls";
  return null;
}
