import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomically } from "../../app/utils/atomic-file.server";

let dir = "";
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "zwgk-atomic-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("writing an export file", () => {
  it("puts the complete file in place and leaves nothing else behind", async () => {
    const file = path.join(dir, "sub", "结果.json");
    await writeFileAtomically(file, async (out) => {
      out.write("第一段，");
      out.end("第二段");
    });
    expect(fs.readFileSync(file, "utf8")).toBe("第一段，第二段");
    expect(fs.readdirSync(path.dirname(file))).toEqual(["结果.json"]);
  });

  it("on a failure half-way leaves an existing file untouched and no partial file", async () => {
    const file = path.join(dir, "结果.json");
    fs.writeFileSync(file, "上一次导出");
    await expect(
      writeFileAtomically(file, async (out) => {
        out.write("写了一半");
        await new Promise((r) => setImmediate(r));
        throw new Error("导出期间考核结果被重新计算，请重新下载");
      }),
    ).rejects.toThrow("导出期间考核结果被重新计算");
    expect(fs.readFileSync(file, "utf8")).toBe("上一次导出");
    expect(fs.readdirSync(dir)).toEqual(["结果.json"]);
  });

  it("removes the partial file even when the export fails before the file has been opened", async () => {
    for (let i = 0; i < 20; i++) {
      const file = path.join(dir, `结果${i}.json`);
      await expect(
        writeFileAtomically(file, () => {
          throw new Error("导出失败");
        }),
      ).rejects.toThrow("导出失败");
    }
    // Give any late file open the chance to show up.
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
