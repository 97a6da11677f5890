import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { cycles, resultNotices } from "../../db/schema";
import { cycleAllows } from "../../app/domain/cycle-capabilities";
import { defaultNotice, noticeFormSchema } from "../../app/domain/notice-form";
import { saveNotice } from "../../app/services/notices.server";
import { SEED_ACTOR } from "./accounts";

/**
 * The formal 通报 of the demo's finalised 2025 cycle (idempotent), written through the notices
 * service as the office would (audited, bound to the final snapshot), so its .docx and PDF
 * download from 考核结果 right after `npm start`.
 */
export const DEMO_NOTICE = {
  issuingBody: "明湖区人民政府办公室",
  docNumber: "明政办发〔2026〕3号",
  issuedOn: "2026-02-10",
} as const;

export function seedDemoNotice(db: Db): void {
  const cycle = db.select().from(cycles).where(eq(cycles.year, 2025)).get();
  if (!cycle || !cycleAllows(cycle.status, "issueNotice")) return;
  if (db.select({ id: resultNotices.cycleId }).from(resultNotices).where(eq(resultNotices.cycleId, cycle.id)).get()) return;
  const form = noticeFormSchema.parse({ ...defaultNotice(cycle.year, DEMO_NOTICE.issuingBody, DEMO_NOTICE.issuedOn), ...DEMO_NOTICE });
  saveNotice(db, SEED_ACTOR, cycle.id, form);
}
