import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "./server";

export type RouteFn = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;
export interface RouteModule {
  loader?: RouteFn;
  action?: RouteFn;
}

export interface RouteFile {
  /** Remix route id, e.g. "admin.users.$userId". */
  id: string;
  file: string;
  /** Dynamic segment names in URL order ("*" for a splat). */
  paramNames: string[];
  /** Params with every dynamic segment set to "1". */
  params: Record<string, string>;
  /** The URL with every dynamic segment set to "1". */
  url: string;
  /** The URL for the given params. */
  urlFor(params: Record<string, string>): string;
}

/**
 * Every route module in app/routes (flat files and folder routes), with the params its URL needs.
 * Enumerated at test time so routes added later are covered too.
 */
export function routeFiles(): RouteFile[] {
  const dir = path.join(PROJECT_ROOT, "app", "routes");
  const out: RouteFile[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    let id: string;
    let file: string;
    if (entry.isFile() && /\.(tsx?|jsx?)$/.test(entry.name) && !/\.test\./.test(entry.name)) {
      id = entry.name.replace(/\.(tsx?|jsx?)$/, "");
      file = path.join(dir, entry.name);
    } else if (entry.isDirectory()) {
      const inner = ["route.tsx", "route.ts"].map((f) => path.join(dir, entry.name, f)).find((f) => fs.existsSync(f));
      if (!inner) continue;
      id = entry.name;
      file = inner;
    } else continue;
    // Split on the dots that are not escaped as [.]; drop pathless/index segments.
    const segments = id
      .split(/\.(?![^[]*\])/)
      .filter((s) => s !== "_index" && !s.startsWith("_"))
      .map((s): { param: string } | { text: string } => {
        const m = /^\(?\$(\w*)\)?$/.exec(s);
        if (!m) return { text: s.replace(/\[|\]/g, "") };
        return { param: m[1] === "" ? "*" : m[1] };
      });
    const paramNames = segments.flatMap((s) => ("param" in s ? [s.param] : []));
    const urlFor = (params: Record<string, string>) =>
      "/" + segments.map((s) => ("param" in s ? encodeURIComponent(params[s.param] ?? "1") : s.text)).join("/");
    const params = Object.fromEntries(paramNames.map((p) => [p, "1"]));
    out.push({ id, file, paramNames, params, url: urlFor(params), urlFor });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The form intents a route's action understands, read from its source and the components it
 * imports (hidden `intent` inputs, `intent="…"` props, intent zod enums and `intent === "…"`
 * comparisons), so access tests post requests the action really handles.
 */
export function routeIntents(route: Pick<RouteFile, "file">): string[] {
  const sources = [route.file];
  const own = fs.readFileSync(route.file, "utf8");
  for (const m of own.matchAll(/from\s+"\.\.\/components\/([\w-]+)"/g)) {
    const file = ["tsx", "ts"].map((ext) => path.join(PROJECT_ROOT, "app", "components", `${m[1]}.${ext}`)).find((f) => fs.existsSync(f));
    if (file) sources.push(file);
  }
  const intents = new Set<string>();
  for (const file of sources) {
    const src = fs.readFileSync(file, "utf8");
    for (const m of src.matchAll(/name="intent"\s+value="([\w-]+)"/g)) intents.add(m[1]);
    for (const m of src.matchAll(/name="intent"\s+value=\{([^}]*)\}/g)) for (const q of m[1].matchAll(/"([\w-]+)"/g)) intents.add(q[1]);
    for (const m of src.matchAll(/\bintent="([\w-]+)"/g)) intents.add(m[1]);
    for (const m of src.matchAll(/intent\w*\s*=\s*z\.enum\(\[([^\]]*)\]/gi)) for (const q of m[1].matchAll(/"([\w-]+)"/g)) intents.add(q[1]);
    for (const m of src.matchAll(/\bintent\w*\s*===\s*"([\w-]+)"/gi)) intents.add(m[1]);
  }
  return [...intents].sort();
}

/** The access guard a loader or action opens with: `requireAccess(request, <action(s)>, "<kind>")`, read from its source. */
export interface RouteGuard {
  actions: string[];
  kind: string;
}

/** The guards of a route's loader and action (null: that export has no requireAccess guard). */
export function routeGuards(route: Pick<RouteFile, "file">): Partial<Record<"loader" | "action", RouteGuard | null>> {
  const src = fs.readFileSync(route.file, "utf8");
  const out: Partial<Record<"loader" | "action", RouteGuard | null>> = {};
  for (const m of src.matchAll(/export (?:async )?function (loader|action)\b[\s\S]*?\n\}\n/g)) {
    const call = /requireAccess\(request, (\[[^\]]*\]|"\w+"), "(\w+)"\)/.exec(m[0]);
    out[m[1] as "loader" | "action"] = call ? { actions: [...call[1].matchAll(/"(\w+)"/g)].map((q) => q[1]), kind: call[2] } : null;
  }
  return out;
}
