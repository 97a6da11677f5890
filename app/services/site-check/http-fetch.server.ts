import http from "node:http";
import https from "node:https";
import PQueue from "p-queue";
import { checkUrl, guardedLookup, SiteCheckRefused } from "./address-guard.server";

/**
 * One bounded GET as the checker makes it: guarded addresses (every redirect hop too), one deadline
 * for the whole exchange (no answer within it → "timeout"), at most `maxBytes` of body kept, the
 * platform's User-Agent, and the per-host pace. Never throws for a site's failure: the outcome is
 * recorded (status, or the kind of error) — that is the observation.
 */

export type FetchError = "timeout" | "dns-error" | "connection-error" | "address-refused" | "too-many-redirects" | "bad-redirect";

export interface FetchOutcome {
  url: string;
  finalUrl: string;
  /** HTTP status of the final response, null when there was none. */
  status: number | null;
  error: FetchError | null;
  /** Milliseconds from sending the request to the first byte of the answer (null without an answer). */
  ttfbMs: number | null;
  contentType: string;
  body: Buffer;
  /** The body was longer than `maxBytes`; the rest was not read. */
  truncated: boolean;
}

export interface FetchSettings {
  timeoutMs: number;
  maxBytes: number;
  userAgent: string;
  allowPrivate: boolean;
}

const MAX_REDIRECTS = 5;

/** Requests to one host at most `perSecond` a second, one at a time. */
export class HostPacer {
  private readonly queues = new Map<string, PQueue>();
  constructor(private readonly perSecond: number) {}
  run<T>(host: string, task: () => Promise<T>): Promise<T> {
    let q = this.queues.get(host);
    if (!q) {
      q = new PQueue({ concurrency: 1, intervalCap: 1, interval: Math.max(1, Math.ceil(1000 / this.perSecond)) });
      this.queues.set(host, q);
    }
    return q.add(task) as Promise<T>;
  }
}

function errorKind(error: unknown): FetchError {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (error instanceof SiteCheckRefused || code === "EREFUSEDADDRESS") return "address-refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") return "dns-error";
  return "connection-error";
}

interface Hop {
  status: number;
  location: string | undefined;
  contentType: string;
  body: Buffer;
  truncated: boolean;
  ttfbMs: number;
}

function requestOnce(url: URL, settings: FetchSettings, deadline: number, signal: AbortSignal): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const lib = url.protocol === "https:" ? https : http;
    const req = lib.request(
      url,
      {
        method: "GET",
        headers: { "User-Agent": settings.userAgent, Accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5" },
        lookup: guardedLookup(settings.allowPrivate) as never,
        signal,
        timeout: Math.max(1, deadline - Date.now()),
      },
      (res) => {
        const ttfbMs = Date.now() - started;
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks),
            truncated,
            ttfbMs,
          });
        res.on("data", (chunk: Buffer) => {
          if (truncated) return;
          const room = settings.maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size = settings.maxBytes;
            truncated = true;
            done();
            res.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on("end", () => {
          if (!truncated) done();
        });
        res.on("error", (e) => {
          if (!truncated) reject(e);
        });
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

/**
 * GET `raw` within the settings (the URL must already have passed `checkUrl`). The deadline starts
 * when the first request is actually sent — not while it waits for its host's pace — so a request
 * queued behind others to the same host is never counted as a timeout.
 */
export async function fetchPage(raw: string, settings: FetchSettings, pacer: HostPacer): Promise<FetchOutcome> {
  const controller = new AbortController();
  let deadline: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  const startClock = () => {
    if (deadline !== null) return deadline;
    timer = setTimeout(() => controller.abort(), settings.timeoutMs);
    deadline = Date.now() + settings.timeoutMs;
    return deadline;
  };
  const outcome = (finalUrl: string, fields: Partial<FetchOutcome>): FetchOutcome => ({
    url: raw,
    finalUrl,
    status: null,
    error: null,
    ttfbMs: null,
    contentType: "",
    body: Buffer.alloc(0),
    truncated: false,
    ...fields,
  });
  let current = new URL(raw);
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let answer: Hop;
      try {
        const target = current;
        answer = await pacer.run(target.host, () => requestOnce(target, settings, startClock(), controller.signal));
      } catch (error) {
        const timedOut = controller.signal.aborted || (error as NodeJS.ErrnoException)?.code === "ETIMEDOUT";
        return outcome(current.href, { error: timedOut ? "timeout" : errorKind(error) });
      }
      const redirect = answer.status >= 300 && answer.status < 400 && answer.location;
      if (!redirect) return outcome(current.href, { status: answer.status, ttfbMs: answer.ttfbMs, contentType: answer.contentType, body: answer.body, truncated: answer.truncated });
      try {
        current = checkUrl(new URL(answer.location!, current).href, settings.allowPrivate);
      } catch (error) {
        return outcome(current.href, { status: answer.status, error: error instanceof SiteCheckRefused && error.reason === "address" ? "address-refused" : "bad-redirect" });
      }
    }
    return outcome(current.href, { error: "too-many-redirects" });
  } finally {
    clearTimeout(timer);
  }
}

const CHARSETS = new Set(["utf-8", "utf8", "gbk", "gb2312", "gb18030", "big5", "iso-8859-1", "windows-1252", "us-ascii"]);

/** The body as text: the charset of the Content-Type, else of a <meta> tag, else UTF-8 (GBK pages are common). */
export function decodeBody(outcome: Pick<FetchOutcome, "body" | "contentType">): string {
  const fromHeader = /charset=["']?([\w-]+)/i.exec(outcome.contentType)?.[1];
  const head = outcome.body.subarray(0, 4096).toString("latin1");
  const fromMeta = /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1];
  const label = (fromHeader ?? fromMeta ?? "utf-8").toLowerCase();
  // An unknown label is read as UTF-8, as the HTML standard reads a document without a usable one.
  return new TextDecoder(CHARSETS.has(label) ? label : "utf-8").decode(outcome.body);
}

/** Whether an outcome is a failure of the page: no answer, or an HTTP error status. */
export function failed(outcome: FetchOutcome): boolean {
  return outcome.error !== null || outcome.status === null || outcome.status >= 400;
}
