import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUILD_LOCK, buildStaleness, ensureBuild, PROJECT_ROOT } from "../helpers/server";

/**
 * The browser tests' build check (test/helpers/server.ts) on a fake project: it rebuilds exactly
 * when something the last `npm run build` read changed (remix build and the results worker's own
 * entry), and it waits for a build that holds the shared build lock. The fake project has no remix
 * binary, so a rebuild attempt would throw.
 */

const BUILT_AT = new Date("2026-01-01T00:00:00Z");
const LATER = new Date("2026-01-01T00:10:00Z");
const INPUTS = ["app/root.tsx", "app/routes/_index.tsx", "app/routes/login.tsx", "app/services/x.server.ts", "scoring/index.ts"];

let root: string;

function write(rel: string, content = "", at = new Date("2025-12-31T00:00:00Z")) {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  fs.utimesSync(file, at, at);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-fake-build-"));
  for (const input of INPUTS) write(input);
  write("remix.config.js");
  write("build-results-worker.js");
  write("package.json", JSON.stringify({ type: "module", scripts: { build: "remix build && node build-results-worker.js" } }));
  write("app/services/results-worker.entry.server.ts");
  write("node_modules/.package-lock.json", "{}");
  write("scoring/bench/bench.ts");
  write("app/cli/tool.ts");
  const meta = (inputs: string[]) => JSON.stringify({ inputs: Object.fromEntries(inputs.map((i) => [i, {}])), outputs: {} });
  write("build/version.txt", "abc123", BUILT_AT);
  write("public/build/manifest-ABC123.js", "", BUILT_AT);
  write("build/metafile.server.json", meta([...INPUTS, "<stdin>", "server-entry-module:@remix-run/dev/server-build"]), BUILT_AT);
  write("build/metafile.js.json", meta(["app/root.tsx", "node_modules/react/index.js", "empty-module:./x.server"]), BUILT_AT);
  write("build/index.js", "", BUILT_AT);
  write("build/metafile.worker.json", meta(["app/services/results-worker.entry.server.ts", "scoring/index.ts"]), BUILT_AT);
  write("build/results-worker.js", "", BUILT_AT);
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe("buildStaleness", () => {
  it("finds a build newer than everything it read fresh", () => {
    expect(buildStaleness(root)).toBeNull();
  });

  it("ignores files the build did not read (tests, CLIs, benchmarks) and ignored route files", () => {
    write("scoring/bench/bench.ts", "changed", LATER);
    write("app/cli/tool.ts", "changed", LATER);
    write("app/routes/.notes.tsx", "", LATER);
    write("app/routes/login.test.tsx", "", LATER);
    expect(buildStaleness(root)).toBeNull();
  });

  it("rebuilds when an input, remix.config.js or the installed dependencies changed", () => {
    write("scoring/index.ts", "changed", LATER);
    expect(buildStaleness(root)).toBe("scoring/index.ts changed");
    write("scoring/index.ts");
    write("remix.config.js", "changed", LATER);
    expect(buildStaleness(root)).toBe("remix.config.js changed");
    write("remix.config.js");
    write("node_modules/.package-lock.json", "{}", LATER);
    expect(buildStaleness(root)).toBe("node_modules/.package-lock.json changed");
  });

  it("rebuilds when the results worker's entry, its build script or its output changed", () => {
    write("app/services/results-worker.entry.server.ts", "changed", LATER);
    expect(buildStaleness(root)).toBe("app/services/results-worker.entry.server.ts changed");
    write("app/services/results-worker.entry.server.ts");
    write("build-results-worker.js", "changed", LATER);
    expect(buildStaleness(root)).toBe("build-results-worker.js changed");
    write("build-results-worker.js");
    fs.rmSync(path.join(root, "build/results-worker.js"));
    expect(buildStaleness(root)).toBe("build/ is missing");
  });

  it("rebuilds when an input was removed or a route file is new", () => {
    fs.rmSync(path.join(root, "app/services/x.server.ts"));
    expect(buildStaleness(root)).toBe("app/services/x.server.ts was removed");
    write("app/services/x.server.ts");
    write("app/routes/new-page.tsx");
    expect(buildStaleness(root)).toBe("app/routes/new-page.tsx is a new route");
  });

  it("rebuilds when build/ or the browser assets are missing", () => {
    fs.rmSync(path.join(root, "public/build/manifest-ABC123.js"));
    expect(buildStaleness(root)).toBe("public/build/ does not match build/");
    fs.rmSync(path.join(root, "build/index.js"));
    expect(buildStaleness(root)).toBe("build/ is missing");
  });
});

// Both tests take the machine's real build lock, which a real build may hold for minutes.
describe("ensureBuild", { timeout: 900_000 }, () => {
  it("waits while another build holds the shared build lock", async () => {
    // Another `flock <lock> npm run build`: it takes the lock, says so, works a moment, finishes.
    const held = path.join(root, "held");
    const finished = path.join(root, "finished");
    const other = spawn("flock", [BUILD_LOCK, "sh", "-c", `touch "${held}"; sleep 1; touch "${finished}"`], { stdio: "ignore" });
    const exited = new Promise((resolve) => other.once("exit", resolve));
    while (!fs.existsSync(held)) await new Promise((r) => setTimeout(r, 20));

    ensureBuild(root); // fresh fake build: checks under the lock, builds nothing
    expect(fs.existsSync(finished)).toBe(true);
    await exited;
  });

  it("does not wait for itself when the test run was started under the build lock", () => {
    // `flock <lock> sh -c "npm run build && npx vitest run …"`, with its own TMPDIR so its lock is private to this test.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-lockdir-"));
    try {
      const script = `import("${path.join(PROJECT_ROOT, "test/helpers/server.ts")}").then((m) => { m.ensureBuild(${JSON.stringify(root)}); console.log("checked", m.BUILD_LOCK); })`;
      const res = spawnSync("flock", [path.join(tmp, "zwgk-build.lock"), "sh", "-c", `"${path.join(PROJECT_ROOT, "node_modules/.bin/tsx")}" -e '${script}'`], {
        env: { ...process.env, TMPDIR: tmp },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(res.signal).toBeNull();
      expect(res.stdout.trim()).toBe(`checked ${path.join(tmp, "zwgk-build.lock")}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("builds a stale project with npm run build (here: fails, as the fake project has no remix to run)", () => {
    write("scoring/index.ts", "changed", LATER);
    expect(() => ensureBuild(root)).toThrow(/npm run --silent build/);
  });
});
