// npm run score -- <package.json> [--out <results.json>]
// Writes zwgk-results/1 JSON to the file (or stdout) and exits 0. Every failure — no package named,
// an unreadable file, invalid JSON, an invalid package, an unwritable --out, or an error inside the
// engine — prints {"errors":[{path,message}]} to stderr and exits 1; never a stack trace.
import { readFileSync, writeFileSync } from "node:fs";
import { resultsText, scorePackage } from "./index";

const USAGE = "用法：npm run score -- <数据包.json> [--out <结果.json>]";

class Failure {
  constructor(readonly errors: Array<{ path: string; message: string }>) {}
}

function fail(message: string): never {
  throw new Failure([{ path: "", message }]);
}

function main(argv: string[]): void {
  let file: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out" || a === "-o") {
      out = argv[++i];
      if (!out) fail(`--out 后须给出结果文件名。${USAGE}`);
    } else if (a === "--help" || a === "-h") {
      process.stdout.write(`${USAGE}\n`);
      return;
    } else if (file === undefined) {
      file = a;
    } else fail(`多余的参数“${a}”。${USAGE}`);
  }
  if (!file) fail(`未指定数据包文件。${USAGE}`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    fail(`无法读取文件 ${file}：${(e as Error).message}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    fail(`JSON 解析失败：${(e as Error).message}`);
  }
  const r = scorePackage(input);
  if (!r.ok) throw new Failure(r.errors);
  const json = resultsText(r.results);
  if (out) {
    try {
      writeFileSync(out, json, "utf8");
    } catch (e) {
      fail(`无法写入文件 ${out}：${(e as Error).message}`);
    }
  } else process.stdout.write(json);
  for (const w of r.results.warnings) process.stderr.write(`警告：${w}\n`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  // The one place every failure ends: as {"errors":[…]} (an unexpected error is reported, not retried).
  const errors = e instanceof Failure ? e.errors : [{ path: "", message: `评分引擎内部错误：${e instanceof Error ? e.message : String(e)}` }];
  process.stderr.write(`${JSON.stringify({ errors }, null, 2)}\n`);
  process.exitCode = 1;
}
