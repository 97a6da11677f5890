import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../../db/client";
import { DEMO_PASSWORD } from "../../seeds/demo/district";
import { ELF_BYTES, pdfBytes, PNG_BYTES, zipArchive } from "../helpers/evidence-fixtures";
import { createPublishedCycle, leafNodeId } from "../helpers/self-inspection-fixtures";
import { loginViaHttp, startServer, type TestServer } from "../helpers/server";

// Upload abuse against the real server (express + Remix multipart parsing + the evidence store),
// with a 1 MB per-file limit: every refusal leaves no row, no blob and no temp file behind.

let server: TestServer;
let cookie = "";
let pdfLeaf = 0;
let anyLeaf = 0;

beforeAll(async () => {
  server = await startServer({ env: { UPLOAD_MAX_FILE_MB: "1" } });
  process.env.DATA_DIR = server.dataDir;
  closeDb();
  // A newer published cycle of our own: 1.1 accepts PDF/JPEG/PNG, 1.2 any allowed kind.
  const cycleId = createPublishedCycle(2099, "2099-11-30");
  pdfLeaf = leafNodeId(cycleId, "JD001", "1.1");
  anyLeaf = leafNodeId(cycleId, "JD001", "1.2");
  closeDb();
  cookie = await loginViaHttp(server, "dept-001", DEMO_PASSWORD);
}, 120_000);

afterAll(async () => {
  closeDb();
  await server?.stop();
});

function state() {
  const db = new Database(path.join(server.dataDir, "app.db"), { readonly: true, fileMustExist: true });
  try {
    const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    const tmp = path.join(server.dataDir, "uploads", "tmp");
    return { files: n("evidence_files"), blobs: n("evidence_blobs"), audit: n("audit_log"), tmp: fs.existsSync(tmp) ? fs.readdirSync(tmp) : [] };
  } finally {
    db.close();
  }
}

async function upload(nodeId: number, name: string, bytes: Uint8Array | Blob): Promise<{ status: number; body: { ok: boolean; error?: string } }> {
  const form = new FormData();
  form.append("file", bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
  // Encode the multipart body as fetch would, then send it on a connection of its own: after an
  // early refusal (413 while the body is still arriving) the server closes that connection, which a
  // pooled client would otherwise reuse for the next request.
  const encoded = new Request(`${server.url}/self/upload/${nodeId}`, { method: "POST", body: form });
  const body = Buffer.from(await encoded.arrayBuffer());
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}/self/upload/${nodeId}`,
      {
        method: "POST",
        agent: false,
        headers: { "Content-Type": encoded.headers.get("content-type")!, "Content-Length": String(body.length), Cookie: cookie, Origin: server.url },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) as { ok: boolean; error?: string } }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Peak resident memory of the server process (kB), from /proc. */
function serverPeakKb(): number {
  const status = fs.readFileSync(`/proc/${server.child.pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]);
}

describe("upload abuse through the real server", () => {
  it("refuses a program renamed .pdf, a PNG named .pdf, an empty file and an oversize file — nothing kept", async () => {
    const before = state();
    const cases: [string, Uint8Array, number, RegExp][] = [
      ["报告.pdf", ELF_BYTES, 400, /PDF|类型|程序|内容/],
      ["截图.pdf", PNG_BYTES, 400, /PNG|类型|内容/],
      ["空文件.pdf", new Uint8Array(0), 400, /空/],
      ["超大.pdf", new Uint8Array(Buffer.concat([Buffer.from(pdfBytes("big")), Buffer.alloc(1_200_000, 0x20)])), 413, /1 ?MB|超过/],
    ];
    for (const [name, bytes, status, message] of cases) {
      const res = await upload(pdfLeaf, name, bytes);
      expect(res.status, name).toBe(status);
      expect(res.body.ok, name).toBe(false);
      expect(res.body.error, name).toMatch(message);
    }
    expect(state()).toEqual(before);
  });

  it("a traversal-style name is only display text: the file lands in the content-addressed store, nowhere else", async () => {
    const before = state();
    const outside = path.join(server.dataDir, "escaped.pdf");
    const res = await upload(pdfLeaf, "../../../escaped.pdf", pdfBytes("traversal"));
    expect(res.status).toBe(200);
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.existsSync(path.join(path.dirname(server.dataDir), "escaped.pdf"))).toBe(false);
    const db = new Database(path.join(server.dataDir, "app.db"), { readonly: true });
    const row = db.prepare("SELECT original_name AS name, sha256 FROM evidence_files ORDER BY id DESC LIMIT 1").get() as { name: string; sha256: string };
    db.close();
    expect(row.name).toBe("escaped.pdf");
    expect(fs.existsSync(path.join(server.dataDir, "uploads", row.sha256.slice(0, 2), row.sha256))).toBe(true);
    expect(state().files).toBe(before.files + 1);
  });

  it("a zip bomb posing as .docx is never inflated: memory stays flat and the stored bytes are the compressed ones", async () => {
    // One entry of 512 MB of zeros, deflated to well under the 1 MB limit.
    const entrySize = 512 * 1024 * 1024;
    const deflater = zlib.createDeflateRaw({ level: 9 });
    const parts: Buffer[] = [];
    deflater.on("data", (c: Buffer) => parts.push(c));
    const done = new Promise((r) => deflater.on("end", r));
    const chunk = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < entrySize / chunk.length; i++) if (!deflater.write(chunk)) await new Promise((r) => deflater.once("drain", r));
    deflater.end();
    await done;
    const bomb = zipArchive([
      { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
      // The CRC is never checked by a reader that does not inflate.
      { name: "word/document.xml", data: Buffer.concat(parts), method: 8, size: entrySize, crc: 0 },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);

    const peakBefore = serverPeakKb();
    const res = await upload(anyLeaf, "炸弹.docx", bomb);
    // Accepted as an Office file by its entry names, or refused — either way never decompressed.
    expect([200, 400]).toContain(res.status);
    expect((serverPeakKb() - peakBefore) / 1024).toBeLessThan(100);
    if (res.status === 200) {
      const db = new Database(path.join(server.dataDir, "app.db"), { readonly: true });
      const row = db.prepare("SELECT size FROM evidence_files ORDER BY id DESC LIMIT 1").get() as { size: number };
      db.close();
      expect(row.size).toBe(bomb.length);
    }
    expect(state().tmp).toEqual([]);
  }, 120_000);
});
