// npm run score -- <package.json> [--out <results.json>]
// Writes zwgk-results/1 JSON to the file (or stdout) and exits 0; on an
// invalid package prints {"errors":[{path,message}]} to stderr and exits 1.
import { readFileSync, writeFileSync } from "node:fs";
import { resultsText, scorePackage } from "./index";

const USAGE = "用法：npm run score -- <数据包.json> [--out <结果.json>]";

function fail(code: number, errors: Array<{ path: string; message: string }>): never {
  process.stderr.write(`${JSON.stringify({ errors }, null, 2)}\n`);
  process.exit(code);
}

function main(argv: string[]): void {
  let file: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out" || a === "-o") {
      out = argv[++i];
      if (!out) {
        process.stderr.write(`${USAGE}\n`);
        process.exit(2);
      }
    } else if (a === "--help" || a === "-h") {
      process.stdout.write(`${USAGE}\n`);
      return;
    } else if (file === undefined) {
      file = a;
    } else {
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
    }
  }
  if (!file) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    fail(1, [{ path: "", message: `无法读取文件 ${file}：${(e as Error).message}` }]);
  }
  let input: unknown;
  try {
    input = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    fail(1, [{ path: "", message: `JSON 解析失败：${(e as Error).message}` }]);
  }
  const r = scorePackage(input);
  if (!r.ok) fail(1, r.errors);
  const json = resultsText(r.results);
  if (out) {
    try {
      writeFileSync(out, json, "utf8");
    } catch (e) {
      fail(1, [{ path: "", message: `无法写入文件 ${out}：${(e as Error).message}` }]);
    }
  } else process.stdout.write(json);
  for (const w of r.results.warnings) process.stderr.write(`警告：${w}\n`);
}

main(process.argv.slice(2));
