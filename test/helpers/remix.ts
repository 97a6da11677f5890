import { createUserSession } from "../../app/utils/session.server";
import { getDb } from "../../db/client";
import { users } from "../../db/schema";
import { eq } from "drizzle-orm";

const BASE = "http://localhost";

export interface RequestOptions {
  method?: string;
  form?: Record<string, string | string[] | Blob> | FormData;
  cookie?: string;
  headers?: Record<string, string>;
}

export function makeRequest(pathname: string, opts: RequestOptions = {}): Request {
  const headers = new Headers(opts.headers);
  if (opts.cookie) headers.set("Cookie", opts.cookie);
  let body: FormData | undefined;
  if (opts.form instanceof FormData) body = opts.form;
  else if (opts.form) {
    body = new FormData();
    for (const [k, v] of Object.entries(opts.form)) {
      if (Array.isArray(v)) for (const item of v) body.append(k, item);
      else body.append(k, v);
    }
  }
  return new Request(BASE + pathname, { method: opts.method ?? (body ? "POST" : "GET"), headers, body });
}

/** A signed session cookie for a user, as the browser would hold after logging in. */
export async function sessionCookieFor(username: string): Promise<string> {
  const user = getDb().select().from(users).where(eq(users.username, username)).get();
  if (!user) throw new Error(`no such user ${username}`);
  const setCookie = await createUserSession(user.id, "127.0.0.1");
  return setCookie.split(";")[0];
}

export interface Outcome<T = any> {
  status: number;
  data: T;
  headers: Headers;
  /** Location of a redirect, when the loader/action redirected. */
  location: string | null;
}

/**
 * Run a loader or action the way Remix does and normalise the outcome: returned plain data,
 * `data(...)` with a status, returned or thrown Responses (redirects, 403, 404).
 */
export async function run<T = any>(
  fn: (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown,
  request: Request,
  params: Record<string, string> = {},
  context: Record<string, unknown> = { clientIp: "127.0.0.1" },
): Promise<Outcome<T>> {
  let result: unknown;
  try {
    result = await fn({ request, params, context });
  } catch (thrown) {
    result = thrown;
    if (!(thrown instanceof Response)) throw thrown;
  }
  return normalise<T>(result);
}

async function normalise<T>(result: unknown): Promise<Outcome<T>> {
  if (result instanceof Response) {
    const text = await result.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* plain text body */
    }
    return { status: result.status, data: parsed as T, headers: result.headers, location: result.headers.get("Location") };
  }
  if (result && typeof result === "object" && (result as { type?: string }).type === "DataWithResponseInit") {
    const r = result as { data: T; init: ResponseInit | null };
    const headers = new Headers(r.init?.headers);
    return { status: r.init?.status ?? 200, data: r.data, headers, location: headers.get("Location") };
  }
  return { status: 200, data: result as T, headers: new Headers(), location: null };
}
