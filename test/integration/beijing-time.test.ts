import { PassThrough } from "node:stream";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "../../db/client";
import { EvidenceList } from "../../app/components/EvidenceList";
import { commitEvidenceUploads, listEvidence } from "../../app/services/evidence.server";
import { computeCycleResults } from "../../app/services/results-compute.server";
import { writeRankingPdf } from "../../app/services/results-export/pdf.server";
import { exportSource } from "../../app/services/results-export/source.server";
import { writeResultsXlsx } from "../../app/services/results-export/xlsx.server";
import { beijingDateTimeLocal, beijingDayStart, beijingToday, formatBeijingTime } from "../../app/utils/beijing-time";
import { receiveUpload } from "../../app/utils/upload-stream.server";
import * as auditRoute from "../../app/routes/admin.audit";
import { seedAccounts, SEED_ACTOR } from "../../seeds/demo/accounts";
import { DEMO_UNITS } from "../../seeds/demo/district";
import { useTempDataDir } from "../helpers/data-dir";
import { createCycle, unitIdOf } from "../helpers/evaluation-fixtures";
import { pdfBytes } from "../helpers/evidence-fixtures";
import { pdfText } from "../helpers/pdf-text";
import { makeRequest, run, sessionCookieFor } from "../helpers/remix";
import { addFinding, evaluateUnits } from "../helpers/results-fixtures";

// One fixed instant, 2026-01-26 01:30 UTC = 09:30 Beijing, must read as 09:30 on every surface a
// person sees: a page's HTML, the Excel workbook, the PDF and the audit log.

const INSTANT = "2026-01-26T01:30:00.000Z";
const BEIJING = "2026-01-26 09:30:00";

useTempDataDir();
let cycleId = 0;
let findingId = 0;

async function bytesOf(write: (out: PassThrough) => Promise<void>): Promise<Buffer<ArrayBuffer>> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await write(out);
  return Buffer.concat(chunks) as Buffer<ArrayBuffer>;
}

beforeAll(async () => {
  seedAccounts(getDb());
  cycleId = createCycle(2026, "evaluating").cycleId;
  evaluateUnits(cycleId, DEMO_UNITS.map((u) => u.code));
  vi.useFakeTimers({ toFake: ["Date"], now: new Date(INSTANT) });
  const r = computeCycleResults(getDb(), cycleId, SEED_ACTOR);
  if (!r.ok) throw new Error(r.message);
  const upload = await receiveUpload((async function* () { yield pdfBytes("时间"); })(), { fileName: "公开目录.pdf" });
  findingId = addFinding(cycleId, "JD001", "1.2", { kind: "fault", description: "栏目更新不及时", faultCode: "late", count: 1 });
  commitEvidenceUploads(getDb(), { actor: SEED_ACTOR, unitId: unitIdOf("JD001"), entries: [{ ownerType: "finding", ownerId: String(findingId), upload }] });
});

afterAll(() => {
  vi.useRealTimers();
});

describe("the one Beijing-time formatter", () => {
  it("turns instants into Beijing wall-clock time, across the day boundary", () => {
    expect(formatBeijingTime(INSTANT)).toBe(BEIJING);
    expect(formatBeijingTime(INSTANT, "minute")).toBe("2026-01-26 09:30");
    expect(formatBeijingTime("2026-02-28T16:00:00.000Z")).toBe("2026-03-01 00:00:00");
    expect(formatBeijingTime("2026-03-02T09:30:00+08:00", "minute")).toBe("2026-03-02 09:30");
    expect(formatBeijingTime(null)).toBe("");
    expect(beijingDateTimeLocal(Date.parse("2026-12-31T16:05:00Z"))).toBe("2027-01-01T00:05");
    expect(beijingToday(new Date("2026-02-28T15:59:59.999Z"))).toBe("2026-02-28");
    expect(beijingDayStart("2026-03-01").toISOString()).toBe("2026-02-28T16:00:00.000Z");
  });
});

describe("a fixed instant reads the same on every surface", () => {
  it("the evidence list on a page", () => {
    const { files, links } = listEvidence(getDb(), "finding", String(findingId));
    const html = renderToStaticMarkup(createElement(EvidenceList, { files, links }));
    expect(html).toContain("2026-01-26 09:30");
    expect(html).not.toContain("01:30");
  });

  it("the Excel workbook's 说明 sheet", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await bytesOf((out) => writeResultsXlsx(exportSource(getDb(), cycleId), out))) as unknown as ExcelJS.Buffer);
    const about = wb.getWorksheet("说明")!;
    const row = about.getColumn(1).values.findIndex((v) => v === "计算时间");
    expect(row).toBeGreaterThan(0);
    expect(about.getCell(row, 2).value).toBe(BEIJING);
  });

  it("the PDF ranking report", async () => {
    const text = await pdfText(await bytesOf((out) => writeRankingPdf(exportSource(getDb(), cycleId), out)));
    expect(text).toContain(`计算于 ${BEIJING}`);
  });

  it("the audit log page", async () => {
    const page = await run(auditRoute.loader, makeRequest("/admin/audit", { cookie: await sessionCookieFor("admin") }));
    const computed = page.data.log.rows.find((r: { action: string }) => r.action === "results.compute");
    expect(computed.time).toBe(BEIJING);
  });
});
