// npm run bench:report — builds its own synthetic data in a temporary directory and measures the
// results path against a floor in the same run (figures, not pass/fail; goals in README):
//  · whole-cycle recompute (load from SQLite + engine + persist) vs its scan floor (bench/scan-floor.ts:
//    scan and parse every entry, one summary row per unit) and vs a bare SQLite GROUP BY over the same
//    rows, with the I/O floor of the formats (bench/io-floor.ts) printed beside it;
//  · an incremental recompute: one evaluator entry changed, until that unit's results and every rank
//    are stored and readable — the median of five such changes, and the first (bench/incremental.ts);
//  · the xlsx export vs bare exceljs streaming of the same cells, with peak RSS (each in its own process);
//  · the PDF ranking of PDF_UNITS units (time, bytes);
//  · the ranking page of PDF_UNITS units on loopback under a bounded autocannon run (p50, p99).
// The data are seeded in child processes (bench/seed-child.ts): the measuring process's heap holds
// only what the measured work makes, as the server's results worker's does.
// The last line is one JSON object. BENCH_UNITS / BENCH_LEAVES / BENCH_PAGE_UNITS override the sizes.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import autocannon from "autocannon";
import { closeDb, getDb, getSqlite } from "../db/client";
import { users } from "../db/schema";
import { computeCycleResults } from "../app/services/results-compute.server";
import { writeRankingPdf } from "../app/services/results-export/pdf.server";
import { exportSource } from "../app/services/results-export/source.server";
import { hashPassword } from "../app/utils/password.server";
import { SYNTHETIC_ACTOR } from "../seeds/synthetic/generate";
import { measureIncremental } from "./incremental";
import { measureIoFloor } from "./io-floor";
import { measureScanFloor } from "./scan-floor";
import { loginViaHttp, startServer } from "../test/helpers/server";

const UNITS = Number(process.env.BENCH_UNITS ?? 10_000);
const LEAVES = Number(process.env.BENCH_LEAVES ?? 100);
const PAGE_UNITS = Number(process.env.BENCH_PAGE_UNITS ?? 3_000);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

const log = (s: string) => process.stderr.write(`[bench:report] ${s}\n`);

function useDataDir(dir: string): void {
  closeDb();
  process.env.DATA_DIR = dir;
  getDb();
}

/** Wall time and this process's CPU time (user + system): on a shared machine the CPU time is the steadier figure. */
async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; cpuMs: number; value: T }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await fn();
  const cpu = process.cpuUsage(c0);
  return { ms: Math.round(performance.now() - t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000), value };
}

const ratio = (a: number, b: number) => Math.round((a / Math.max(1, b)) * 100) / 100;

/** Seed a synthetic cycle into `dir` in a child process (bench/seed-child.ts). */
function seedChild(dir: string, units: number, leaves: number): { cycleId: number; entries: number; leaves: number } {
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "bench", "seed-child.ts"), String(units), String(leaves), "2030"], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dir },
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`seeding failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
}

function xlsxChild(mode: "app" | "bare", dir: string, cycleId: number): { ms: number; peakRssMb: number } {
  const out = path.join(dir, `${mode}.xlsx`);
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "bench", "xlsx-child.ts"), mode, out, String(cycleId)], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dir },
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`xlsx ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
}

async function main() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-bench-report-"));
  try {
    // ---------------------------------------------------------------- recompute
    const big = path.join(base, "big");
    log(`seeding ${UNITS} units × ${LEAVES} leaves …`);
    const seeded = seedChild(big, UNITS, LEAVES);
    log(`seeded ${seeded.entries} evaluator entries`);
    useDataDir(big);
    const full = await timed(() => computeCycleResults(getDb(), seeded.cycleId, SYNTHETIC_ACTOR));
    if (!full.value.ok) throw new Error(full.value.message);
    log(`full path ${full.ms} ms (CPU ${full.cpuMs} ms)`);
    const floorSql = getSqlite().prepare(
      `SELECT a.unit_id AS unit, SUM(json_extract(e.input, '$.scores[0].value')) AS score
       FROM evaluator_entries e JOIN evaluator_assignments a ON a.id = e.assignment_id
       WHERE a.cycle_id = ? GROUP BY a.unit_id`,
    );
    const floor = await timed(() => floorSql.all(seeded.cycleId).length);
    log(`sql floor ${floor.ms} ms (${floor.value} units)`);
    const scan = measureScanFloor(seeded.cycleId);
    log(`scan floor ${scan.ms} ms (CPU ${scan.cpuMs} ms, ${scan.units} units): full path ${ratio(full.ms, scan.ms)}×, by CPU time ${ratio(full.cpuMs, scan.cpuMs)}× (goal ≤ 3)`);
    const io = measureIoFloor(seeded.cycleId, full.value.cycleResultId);
    log(
      `io floor (no engine): read+parse entries ${io.readMs} ms + serialise results ${io.serialiseMs} ms + SHA-256 ${io.hashMs} ms + write ${io.writeMs} ms = ${io.totalMs} ms (${(io.totalMs / Math.max(1, floor.ms)).toFixed(1)}× the sql floor)`,
    );
    const changes = measureIncremental(seeded.cycleId, SYNTHETIC_ACTOR);
    const incremental = changes.median;
    log(`incremental, one change each at five units: ${changes.runs.map((r) => `${r.ms} ms (CPU ${r.cpuMs} ms; ${r.rescored} re-scored, ${r.rowsWritten} rows written)`).join(", ")}`);
    log(
      `incremental median ${incremental.ms} ms (CPU ${incremental.cpuMs} ms): full path ${ratio(full.ms, incremental.ms)}×, by CPU time ${ratio(full.cpuMs, incremental.cpuMs)}× (goal ≥ 50); the first ${changes.first.ms} ms: ${ratio(full.ms, changes.first.ms)}×`,
    );
    closeDb();

    // ---------------------------------------------------------------- xlsx (separate processes: clean RSS)
    log("xlsx export …");
    const xlsx = xlsxChild("app", big, seeded.cycleId);
    const bare = xlsxChild("bare", big, seeded.cycleId);
    log(`xlsx ${xlsx.ms} ms (${xlsx.peakRssMb} MB), bare ${bare.ms} ms`);

    // ---------------------------------------------------------------- PDF and page (PAGE_UNITS units)
    const small = path.join(base, "small");
    const pageSeed = seedChild(small, PAGE_UNITS, 30);
    useDataDir(small);
    const pageResults = computeCycleResults(getDb(), pageSeed.cycleId, SYNTHETIC_ACTOR);
    if (!pageResults.ok) throw new Error(pageResults.message);
    const password = "Bench#2030pw";
    getDb().insert(users).values({ username: "bench-leader", displayName: "压测领导", role: "leader", passwordHash: await hashPassword(password) }).run();
    let bytes = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        cb();
      },
    });
    const pdf = await timed(() => writeRankingPdf(exportSource(getDb(), pageSeed.cycleId), sink));
    log(`pdf ${pdf.ms} ms, ${bytes} bytes`);
    closeDb();

    // Served as in production: NODE_ENV=production (the test harness's default, "test", would run
    // React's development build with its per-element checks, about five times slower per page).
    const server = await startServer({ dataDir: small, env: { NODE_ENV: "production" } });
    let pageP50 = 0;
    let pageP99 = 0;
    try {
      const cookie = await loginViaHttp(server, "bench-leader", password);
      const url = `${server.url}/results?cycle=2030`;
      const warm = await fetch(url, { headers: { Cookie: cookie } });
      if (warm.status !== 200) throw new Error(`ranking page answered ${warm.status}`);
      const body = await warm.text();
      log(`ranking page ${Math.round(body.length / 1024)} KB`);
      // Steady state, not start-up: a discarded warm-up round lets V8 optimise the render path first.
      await autocannon({ url, connections: 4, amount: 100, headers: { Cookie: cookie } });
      const run = await autocannon({ url, connections: 4, amount: 200, headers: { Cookie: cookie } });
      pageP50 = run.latency.p50;
      pageP99 = run.latency.p99;
      if (run.non2xx > 0) throw new Error(`${run.non2xx} non-2xx answers`);
    } finally {
      await server.stop();
    }

    const report = {
      units: UNITS,
      leaves: seeded.leaves,
      fullPathMs: full.ms,
      sqlFloorMs: floor.ms,
      fullPathRatio: ratio(full.ms, floor.ms),
      scanFloorMs: scan.ms,
      fullPathToScanRatio: ratio(full.ms, scan.ms),
      incrementalMs: incremental.ms,
      incrementalFirstMs: changes.first.ms,
      fullPathCpuMs: full.cpuMs,
      scanFloorCpuMs: scan.cpuMs,
      incrementalCpuMs: incremental.cpuMs,
      xlsxMs: xlsx.ms,
      xlsxBareMs: bare.ms,
      xlsxRatio: Math.round((xlsx.ms / Math.max(1, bare.ms)) * 100) / 100,
      xlsxPeakRssMb: xlsx.peakRssMb,
      pdfUnits: PAGE_UNITS,
      pdfMs: pdf.ms,
      pdfBytes: bytes,
      pageUnits: PAGE_UNITS,
      pageP50Ms: pageP50,
      pageP99Ms: pageP99,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    closeDb();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:report failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
