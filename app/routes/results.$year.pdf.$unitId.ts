import { PassThrough, Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "../utils/db.server";
import { writeScoreCardPdf } from "../services/results-export/pdf.server";
import { exportSource } from "../services/results-export/source.server";
import { cycleByYearOr404, scoreCard } from "../services/results-pages.server";
import { unitResultOf } from "../services/results.server";
import { requireAccess } from "../utils/auth.server";
import { notFound, orRefusalResponse, parseId } from "../utils/http.server";
import { getUnit } from "../services/evaluation-context.server";

/** GET /results/<year>/pdf/<unitId>: a unit's score card as PDF (same visibility as the page). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAccess(request, "read", "unitResults");
  const unitId = parseId(params.unitId);
  const db = getDb();
  const { cycle, view } = orRefusalResponse(() => {
    const cycle = cycleByYearOr404(db, params.year);
    return { cycle, view: scoreCard(db, user, cycle, unitId) }; // access and phase checks
  });
  const card = view.card;
  if (!card) throw notFound(view.reason ?? "暂无得分明细");
  const source = orRefusalResponse(() => exportSource(db, cycle.id));
  // A department before 定稿 sees the preliminary row even if the office sees another: use the card's kind.
  const result = source.meta.kind === card.kind ? unitResultOf(db, source.meta.id, unitId) : null;
  if (!result) throw notFound("暂无得分明细");
  const self = Object.fromEntries(card.leaves.map((l) => [l.code, l.self]));
  const pass = new PassThrough();
  writeScoreCardPdf(source, result, { self: card.selfTotal === null ? null : self, selfTotal: card.selfTotal, findings: card.findings, reasons: Object.fromEntries(card.leaves.map((l) => [l.code, l.reasons])) }, pass).catch((e: unknown) => pass.destroy(e as Error));
  const unit = getUnit(db, unitId);
  const name = `${cycle.year}年度${unit.name}得分明细.pdf`;
  return new Response(Readable.toWeb(pass) as ReadableStream, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="scorecard-${cycle.year}-${unit.code}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "no-store",
    },
  });
}
