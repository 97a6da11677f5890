// npm run bench:load — deadline day on one server: the production build (NODE_ENV=production) over a
// temporary DATA_DIR holding a synthetic cycle of 500 units on its last day of self-inspection
// (bench/load-fixture.ts). For 60 s, 200 department users save answers (open the leaf page, save
// the form, as a browser without scripts would) and upload 1 MB evidence files, 20 evaluators open
// and save entries and 5 leaders read the dashboard — each a real session (POST /login, same-origin
// forms), one request at a time with a think time between actions, traffic to 127.0.0.1 only.
// Afterwards every acknowledged save is read back from the database (and every acknowledged
// upload from disk). Figures on stderr; the last line is
// {"users","requests","errors","busy","p50Ms","p99Ms","savesLost"} (goals in README).
// BENCH_LOAD_SECONDS / BENCH_LOAD_DEPARTMENTS override the duration and the number of departments.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { closeDb, getSqlite } from "../db/client";
import { loginViaHttp, startServer, type TestServer } from "../test/helpers/server";
import { writeLoadFixture, type LeafRef, type LoadFixture } from "./load-fixture";
import { CpuMeter } from "./server-cpu";

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const DEPARTMENTS = Number(process.env.BENCH_LOAD_DEPARTMENTS ?? 200);
const EVALUATORS = 20;
const LEADERS = 5;
const UNITS = 500;
const PASSWORD = "Load#2026bench";
/** A person's pause between two requests (reading, typing): uniform in this range, about three requests a minute each. */
const THINK_MS = [10_000, 30_000] as const;
const UPLOAD_BYTES = 1024 * 1024;
/** Uploads per department user (each a distinct 1 MB file on disk). */
const UPLOADS_PER_DEPARTMENT = 2;
/** No request may hang the bench: one that takes longer counts as an error. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Rounds of the CPU probe after the traffic: each kind of request sent this often, one at a time. */
const PROBE_ROUNDS = 30;

const log = (s: string) => process.stderr.write(`[bench:load] ${s}\n`);

/** mulberry32: a reproducible think-time schedule per user. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Stats {
  latencies: number[];
  /** Latencies per kind of request (printed on stderr). */
  byLabel: Map<string, number[]>;
  errors: number;
  busy: number;
  firstErrors: string[];
}

function record(stats: Stats, label: string, ms: number): void {
  stats.latencies.push(ms);
  let list = stats.byLabel.get(label);
  if (!list) stats.byLabel.set(label, (list = []));
  list.push(ms);
}

const BUSY = /SQLITE_BUSY|database is locked/i;

/** One timed request; an answer other than 2xx, a network failure or the deadline counts as an error. */
async function timedRequest(stats: Stats, label: string, send: (signal: AbortSignal) => Promise<Response>): Promise<{ ok: boolean; body: string }> {
  const t0 = performance.now();
  try {
    const res = await send(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    const body = await res.text();
    record(stats, label, performance.now() - t0);
    if (BUSY.test(body)) stats.busy++;
    if (res.status < 200 || res.status >= 300) {
      stats.errors++;
      if (stats.firstErrors.length < 10) stats.firstErrors.push(`${label}: ${res.status} ${body.slice(0, 200).replace(/\s+/g, " ")}`);
      return { ok: false, body };
    }
    return { ok: true, body };
  } catch (e) {
    record(stats, label, performance.now() - t0);
    stats.errors++;
    if (stats.firstErrors.length < 10) stats.firstErrors.push(`${label}: ${(e as Error).message}`);
    return { ok: false, body: "" };
  }
}

/** The version a form was rendered with (`<input type="hidden" name="version" value="N">`). */
function formVersion(html: string): number | null {
  const m = /<input[^>]*name="version"[^>]*value="(\d+)"|<input[^>]*value="(\d+)"[^>]*name="version"/.exec(html);
  return m ? Number(m[1] ?? m[2]) : null;
}

/** A same-origin form post, as a browser without scripts sends it (test/helpers/server.ts postForm, with a deadline). */
function postFields(server: TestServer, pathname: string, fields: Record<string, string>, cookie: string, signal: AbortSignal): Promise<Response> {
  return fetch(server.url + pathname, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, Cookie: cookie },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
    signal,
  });
}

/** What each user had acknowledged, to be read back afterwards. */
interface Acks {
  answers: Map<string, { submissionUnit: number; nodeId: number; version: number; narrative: string }>;
  entries: Map<string, { username: string; unitId: number; nodeId: number; version: number; reason: string }>;
  uploads: { unitId: number; name: string; sha256: string }[];
}

function pdfOf(seed: string): Buffer {
  const head = Buffer.from(`%PDF-1.4\n% ${seed}\n`);
  const tail = Buffer.from("\n%%EOF\n");
  const body = crypto.randomBytes(UPLOAD_BYTES - head.length - tail.length);
  return Buffer.concat([head, body, tail]);
}

async function department(server: TestServer, cookie: string, d: LoadFixture["departments"][number], index: number, until: number, stats: Stats, acks: Acks): Promise<void> {
  const rnd = random(1000 + index);
  let action = 0;
  let uploads = 0;
  while (Date.now() < until) {
    await sleep(THINK_MS[0] + rnd() * (THINK_MS[1] - THINK_MS[0]));
    if (Date.now() >= until) break;
    const leaf: LeafRef = d.leaves[action % d.leaves.length];
    action++;
    if (uploads < UPLOADS_PER_DEPARTMENT && action % 2 === 0) {
      const name = `${d.username}-佐证${uploads + 1}.pdf`;
      const bytes = pdfOf(name);
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), name);
      const r = await timedRequest(stats, "upload", (signal) =>
        fetch(`${server.url}/self/upload/${leaf.nodeId}`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: server.url }, signal }),
      );
      uploads++;
      if (r.ok) acks.uploads.push({ unitId: d.unitId, name, sha256: crypto.createHash("sha256").update(bytes).digest("hex") });
      continue;
    }
    const page = await timedRequest(stats, "leaf page", (signal) => fetch(`${server.url}/self/${leaf.nodeId}`, { headers: { Cookie: cookie }, signal }));
    const version = page.ok ? formVersion(page.body) : null;
    if (version === null) continue;
    await sleep(THINK_MS[0] + rnd() * (THINK_MS[1] - THINK_MS[0]));
    const narrative = `${d.username} 第${action}次保存`;
    const fields = { intent: "save", version: String(version), narrative, selfScore: String(leaf.points) };
    const saved = await timedRequest(stats, "save answer", (signal) => postFields(server, `/self/${leaf.nodeId}`, fields, cookie, signal));
    if (saved.ok) acks.answers.set(`${d.unitId}:${leaf.nodeId}`, { submissionUnit: d.unitId, nodeId: leaf.nodeId, version: version + 1, narrative });
  }
}

async function evaluator(server: TestServer, cookie: string, e: LoadFixture["evaluators"][number], index: number, until: number, stats: Stats, acks: Acks): Promise<void> {
  const rnd = random(5000 + index);
  let action = 0;
  while (Date.now() < until) {
    await sleep(THINK_MS[0] + rnd() * (THINK_MS[1] - THINK_MS[0]));
    if (Date.now() >= until) break;
    const work = e.work[action % e.work.length];
    const leaf = work.leaves[Math.floor(action / e.work.length) % work.leaves.length];
    action++;
    const page = await timedRequest(stats, "review page", (signal) => fetch(`${server.url}/review/${work.unitId}/${leaf.nodeId}`, { headers: { Cookie: cookie }, signal }));
    const version = page.ok ? formVersion(page.body) : null;
    if (version === null) continue;
    await sleep(THINK_MS[0] + rnd() * (THINK_MS[1] - THINK_MS[0]));
    const reason = `${e.username} 第${action}次评分`;
    const score = (Math.round(leaf.points * (action % 10)) / 10).toFixed(1);
    const saved = await timedRequest(stats, "save entry", (signal) => postFields(server, `/review/${work.unitId}/${leaf.nodeId}`, { version: String(version), score, reason }, cookie, signal));
    if (saved.ok) acks.entries.set(`${e.username}:${work.unitId}:${leaf.nodeId}`, { username: e.username, unitId: work.unitId, nodeId: leaf.nodeId, version: version + 1, reason });
  }
}

async function leader(server: TestServer, cookie: string, index: number, year: number, until: number, stats: Stats): Promise<void> {
  const rnd = random(9000 + index);
  while (Date.now() < until) {
    await sleep(THINK_MS[0] + rnd() * (THINK_MS[1] - THINK_MS[0]));
    if (Date.now() >= until) break;
    await timedRequest(stats, "dashboard", (signal) => fetch(`${server.url}/dashboard?cycle=${year}`, { headers: { Cookie: cookie }, signal }));
  }
}

/**
 * The server's CPU time per kind of request, measured after the traffic with one request at a time
 * (nothing else running on the server): a department opens a leaf and saves it, an evaluator opens
 * an entry and saves it, a leader reads the dashboard (after those saves, as on the day), a
 * department uploads a file. Its saves and uploads are acknowledged like the traffic's and read back.
 */
async function cpuProbe(server: TestServer, fixture: LoadFixture, cookies: Map<string, string>, stats: Stats, acks: Acks): Promise<ReturnType<CpuMeter["perRequest"]>> {
  const meter = new CpuMeter(server.child.pid!);
  for (let round = 0; round < PROBE_ROUNDS; round++) {
    const d = fixture.departments[round % fixture.departments.length];
    const cookie = cookies.get(d.username)!;
    const leaf = d.leaves[round % d.leaves.length];
    const page = await meter.measure("leaf page", () => timedRequest(stats, "leaf page", (signal) => fetch(`${server.url}/self/${leaf.nodeId}`, { headers: { Cookie: cookie }, signal })));
    const version = page.ok ? formVersion(page.body) : null;
    if (version !== null) {
      const narrative = `${d.username} 探测第${round}次保存`;
      const fields = { intent: "save", version: String(version), narrative, selfScore: String(leaf.points) };
      const saved = await meter.measure("save answer", () => timedRequest(stats, "save answer", (signal) => postFields(server, `/self/${leaf.nodeId}`, fields, cookie, signal)));
      if (saved.ok) acks.answers.set(`${d.unitId}:${leaf.nodeId}`, { submissionUnit: d.unitId, nodeId: leaf.nodeId, version: version + 1, narrative });
    }

    const e = fixture.evaluators[round % fixture.evaluators.length];
    const ecookie = cookies.get(e.username)!;
    const work = e.work[round % e.work.length];
    const eleaf = work.leaves[round % work.leaves.length];
    const review = await meter.measure("review page", () =>
      timedRequest(stats, "review page", (signal) => fetch(`${server.url}/review/${work.unitId}/${eleaf.nodeId}`, { headers: { Cookie: ecookie }, signal })),
    );
    const eversion = review.ok ? formVersion(review.body) : null;
    if (eversion !== null) {
      const reason = `${e.username} 探测第${round}次评分`;
      const score = (Math.round(eleaf.points * (round % 10)) / 10).toFixed(1);
      const saved = await meter.measure("save entry", () =>
        timedRequest(stats, "save entry", (signal) => postFields(server, `/review/${work.unitId}/${eleaf.nodeId}`, { version: String(eversion), score, reason }, ecookie, signal)),
      );
      if (saved.ok) acks.entries.set(`${e.username}:${work.unitId}:${eleaf.nodeId}`, { username: e.username, unitId: work.unitId, nodeId: eleaf.nodeId, version: eversion + 1, reason });
    }

    const l = fixture.leaders[round % fixture.leaders.length];
    await meter.measure("dashboard", () => timedRequest(stats, "dashboard", (signal) => fetch(`${server.url}/dashboard?cycle=${fixture.year}`, { headers: { Cookie: cookies.get(l)! }, signal })));

    if (round % 3 === 0) {
      const name = `${d.username}-探测${round}.pdf`;
      const bytes = pdfOf(name);
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), name);
      const r = await meter.measure("upload", () =>
        timedRequest(stats, "upload", (signal) => fetch(`${server.url}/self/upload/${leaf.nodeId}`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: server.url }, signal })),
      );
      if (r.ok) acks.uploads.push({ unitId: d.unitId, name, sha256: crypto.createHash("sha256").update(bytes).digest("hex") });
    }
  }
  return meter.perRequest();
}

/** Acknowledged saves and uploads that the database (or the disk) no longer holds. */
function lostSaves(dataDir: string, cycleId: number, acks: Acks): { lost: number; details: string[] } {
  const sqlite = getSqlite();
  const details: string[] = [];
  const answer = sqlite.prepare(
    `SELECT a.version, a.narrative FROM submission_answers a JOIN submissions s ON s.id = a.submission_id WHERE s.cycle_id = ? AND s.unit_id = ? AND a.node_id = ?`,
  );
  for (const a of acks.answers.values()) {
    const row = answer.get(cycleId, a.submissionUnit, a.nodeId) as { version: number; narrative: string } | undefined;
    if (!row || row.version !== a.version || row.narrative !== a.narrative) details.push(`answer ${a.submissionUnit}/${a.nodeId}: ${JSON.stringify(row)} ≠ v${a.version} ${a.narrative}`);
  }
  const entry = sqlite.prepare(
    `SELECT e.version, e.reason FROM evaluator_entries e JOIN evaluator_assignments x ON x.id = e.assignment_id JOIN users u ON u.id = x.evaluator_id
     WHERE x.cycle_id = ? AND u.username = ? AND x.unit_id = ? AND e.node_id = ?`,
  );
  for (const e of acks.entries.values()) {
    const row = entry.get(cycleId, e.username, e.unitId, e.nodeId) as { version: number; reason: string } | undefined;
    if (!row || row.version !== e.version || row.reason !== e.reason) details.push(`entry ${e.username}/${e.unitId}/${e.nodeId}: ${JSON.stringify(row)} ≠ v${e.version} ${e.reason}`);
  }
  const file = sqlite.prepare("SELECT sha256 FROM evidence_files WHERE unit_id = ? AND original_name = ? AND deleted_at IS NULL");
  for (const u of acks.uploads) {
    const row = file.get(u.unitId, u.name) as { sha256: string } | undefined;
    const onDisk = row ? path.join(dataDir, "uploads", row.sha256.slice(0, 2), row.sha256) : null;
    const diskSha = onDisk && fs.existsSync(onDisk) ? crypto.createHash("sha256").update(fs.readFileSync(onDisk)).digest("hex") : null;
    if (!row || row.sha256 !== u.sha256 || diskSha !== u.sha256) details.push(`upload ${u.name}: ${row?.sha256 ?? "no row"} / disk ${diskSha ?? "missing"}`);
  }
  return { lost: details.length, details };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-bench-load-"));
  let server: TestServer | null = null;
  try {
    process.env.DATA_DIR = dataDir;
    log(`writing the deadline-day data (${UNITS} units) …`);
    const fixture = await writeLoadFixture({ units: UNITS, departments: DEPARTMENTS, evaluators: EVALUATORS, unitsPerEvaluator: 5, leaders: LEADERS, password: PASSWORD });
    getSqlite().pragma("wal_checkpoint(TRUNCATE)");
    closeDb();

    server = await startServer({ dataDir, env: { NODE_ENV: "production" } });
    const s = server;
    const users = [...fixture.departments.map((d) => d.username), ...fixture.evaluators.map((e) => e.username), ...fixture.leaders];
    log(`logging in ${users.length} users …`);
    const cookies = new Map<string, string>();
    for (let i = 0; i < users.length; i += 8) {
      await Promise.all(users.slice(i, i + 8).map(async (u) => cookies.set(u, await loginViaHttp(s, u, PASSWORD))));
    }

    const stats: Stats = { latencies: [], byLabel: new Map(), errors: 0, busy: 0, firstErrors: [] };
    const acks: Acks = { answers: new Map(), entries: new Map(), uploads: [] };
    log(`${SECONDS} s of traffic: ${fixture.departments.length} departments, ${fixture.evaluators.length} evaluators, ${fixture.leaders.length} leaders …`);
    const loadAtStart = os.loadavg()[0];
    const until = Date.now() + SECONDS * 1000;
    await Promise.all([
      ...fixture.departments.map((d, i) => department(s, cookies.get(d.username)!, d, i, until, stats, acks)),
      ...fixture.evaluators.map((e, i) => evaluator(s, cookies.get(e.username)!, e, i, until, stats, acks)),
      ...fixture.leaders.map((l, i) => leader(s, cookies.get(l)!, i, fixture.year, until, stats)),
    ]);
    log(`machine load average (1 min): ${loadAtStart.toFixed(2)} at the start of the traffic, ${os.loadavg()[0].toFixed(2)} at its end (${os.cpus().length} cores)`);
    log(`CPU probe: ${PROBE_ROUNDS} rounds, one request at a time …`);
    const probeStats: Stats = { latencies: [], byLabel: new Map(), errors: 0, busy: 0, firstErrors: [] };
    const cpu = await cpuProbe(s, fixture, cookies, probeStats, acks);
    const serverBusy = (s.output().match(/SQLITE_BUSY|database is locked/gi) ?? []).length;
    // What the server said about failed requests (a 500's cause is only in its log).
    const serverErrors = s
      .output()
      .split("\n")
      .filter((line) => /error/i.test(line))
      .slice(0, 10);
    await s.stop();
    server = null;

    process.env.DATA_DIR = dataDir;
    const lost = lostSaves(dataDir, fixture.cycleId, acks);
    closeDb();
    const sorted = stats.latencies.slice().sort((a, b) => a - b);
    log(`acknowledged: ${acks.answers.size} answers (last save per leaf), ${acks.entries.size} entries, ${acks.uploads.length} uploads of 1 MB`);
    for (const [label, list] of stats.byLabel) {
      const l = list.slice().sort((a, b) => a - b);
      log(`${label}: ${l.length} requests, p50 ${percentile(l, 50)} ms, p99 ${percentile(l, 99)} ms`);
    }
    for (const c of cpu) log(`server CPU per ${c.label}: ${c.cpuMs} ms (${c.n} requests, one at a time)`);
    for (const e of [...stats.firstErrors, ...probeStats.firstErrors]) log(`error: ${e}`);
    for (const line of serverErrors) log(`server: ${line.slice(0, 300)}`);
    for (const d of lost.details.slice(0, 10)) log(`lost: ${d}`);
    const report = {
      users: users.length,
      requests: stats.latencies.length,
      errors: stats.errors + probeStats.errors,
      busy: stats.busy + probeStats.busy + serverBusy,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      savesLost: lost.lost,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await server?.stop();
    closeDb();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:load failed: ${(e as Error).stack ?? e}${(e as Error).cause ? `\ncause: ${String((e as Error).cause)}` : ""}\n`);
  process.exit(1);
});
