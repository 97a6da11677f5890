import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Services receive the database handle and refuse with a DomainError; only routes reach the
// process-wide database (app/utils/db.server.ts) and turn refusals into HTTP answers
// (app/utils/http.server.ts). A scan of the source, so a new service cannot slip back.

const SERVICES = path.resolve("app/services");

const RULES: { name: string; pattern: RegExp }[] = [
  { name: "reaches the global database (getDb/getSqlite)", pattern: /\bget(?:Db|Sqlite)\s*\(/ },
  { name: "throws an HTTP Response instead of a DomainError", pattern: /throw\s+(?:new\s+Response\b|(?:notFound|forbidden|badRequest|errorResponse|redirect|json)\s*\()|throwAsResponse\s*\(/ },
];

function serviceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? serviceFiles(full) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

/** The source without comments, so prose mentioning getDb() is not a call. */
function code(file: string): string {
  return fs
    .readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

describe("service boundaries", () => {
  const files = serviceFiles(SERVICES).map((f) => ({ name: path.relative(SERVICES, f).split(path.sep).join("/"), source: code(f) }));

  it("finds the services", () => {
    expect(files.length).toBeGreaterThan(50);
  });

  for (const rule of RULES) {
    it(`no service ${rule.name}`, () => {
      const breaking = files.filter((f) => rule.pattern.test(f.source)).map((f) => f.name);
      expect(breaking).toEqual([]);
    });
  }
});
