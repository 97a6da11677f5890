// scoring/ is a pure library: no database, no Remix, no clock, no randomness, no I/O — except the
// CLI wrapper (cli.ts) and the benchmark script (bench/).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve("scoring");

function libraryFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "bench") out.push(...libraryFiles(full));
    } else if (entry.name.endsWith(".ts") && full !== path.join(ROOT, "cli.ts")) {
      out.push(full);
    }
  }
  return out;
}

/** Drop comments so that prose mentioning e.g. "Date.now" does not count. */
function code(file: string): string {
  return fs
    .readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

describe("scoring/ is pure", () => {
  const files = libraryFiles();

  it("has library files to check", () => {
    expect(files.map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(["compute.ts", "rational.ts", "validate.ts", "calendar.ts", "rules/timeliness.ts"]));
  });

  it("imports only its own modules, zod and decimal.js (no node:, database, Remix)", () => {
    const bad: string[] = [];
    for (const file of files) {
      for (const m of code(file).matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        const spec = m[1];
        if (spec.startsWith(".")) {
          const target = path.resolve(path.dirname(file), spec);
          if (!target.startsWith(ROOT + path.sep)) bad.push(`${path.relative(ROOT, file)} → ${spec}`);
        } else if (spec !== "zod" && spec !== "decimal.js") {
          bad.push(`${path.relative(ROOT, file)} → ${spec}`);
        }
      }
      if (/\brequire\s*\(/.test(code(file))) bad.push(`${path.relative(ROOT, file)} uses require()`);
    }
    expect(bad).toEqual([]);
  });

  it("reads no clock, no randomness, no environment and does no I/O", () => {
    const forbidden = [/\bDate\.now\b/, /\bnew Date\s*\(/, /\bMath\.random\b/, /\bcrypto\b/, /\bprocess\./, /\bperformance\./, /\bfetch\s*\(/, /\bsetTimeout\b/, /\bconsole\./];
    const bad: string[] = [];
    for (const file of files) {
      const text = code(file);
      for (const re of forbidden) if (re.test(text)) bad.push(`${path.relative(ROOT, file)}: ${re}`);
    }
    expect(bad).toEqual([]);
  });
});
