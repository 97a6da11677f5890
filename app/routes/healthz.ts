import { getSqlite } from "../utils/db.server";

/** Liveness with a real database round-trip. */
export async function loader() {
  try {
    const row = getSqlite().prepare("SELECT 1 AS ok").get() as { ok: number } | undefined;
    if (row?.ok !== 1) throw new Error("unexpected");
    return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json({ ok: false }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
