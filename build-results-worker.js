// `npm run build`, after `remix build`: the results worker thread's own entry
// (app/services/results-worker.entry.server.ts) bundled to build/results-worker.js beside the server
// bundle, with packages left to node_modules as in the server bundle. Its metafile lets the browser
// tests tell a stale build (test/helpers/server.ts).
import fs from "node:fs";
import { build } from "esbuild";

const result = await build({
  entryPoints: ["app/services/results-worker.entry.server.ts"],
  outfile: "build/results-worker.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  metafile: true,
  logLevel: "warning",
});
fs.writeFileSync("build/metafile.worker.json", JSON.stringify(result.metafile));
