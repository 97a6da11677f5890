import fs from "node:fs";
import Database from "better-sqlite3";
import JSZip from "jszip";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gotoHydrated, loginAs, useBrowser, useServer, waitForIdle } from "../helpers/browser";

// The office writes the 2025 通报 on 考核结果 in the browser: a bad 文号 is refused at its field,
// the corrected form is saved and the Word download appears; a leader downloads it, without the form.

const server = useServer();
const browser = useBrowser();

describe("the 通报 form", () => {
  it("is filled and saved by the office, then offers the .docx to the office and leaders", async () => {
    // Start from a finalised year without a notice (the demo seed fills 2025's).
    const db = new Database(path.join(server.dataDir, "app.db"));
    db.prepare("DELETE FROM result_notices").run();
    db.close();

    const page = await browser.newPage({ acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await loginAs(page, server.url, "admin");
    await gotoHydrated(page, `${server.url}/results?cycle=2025`);
    const panel = page.getByRole("region", { name: "考核结果通报" });
    await panel.getByText("尚未编写通报").waitFor();
    expect(await panel.getByRole("link", { name: "通报（Word）" }).count()).toBe(0);
    // The title is offered for the year.
    expect(await panel.getByLabel("标题").inputValue()).toBe("关于2025年度政务公开工作绩效考核结果的通报");

    await panel.getByLabel("发文机关").fill("明湖区人民政府办公室");
    await panel.getByLabel("文号").fill("明政办发[2026]7号");
    await panel.getByLabel("成文日期").fill("2026-02-15");
    await panel.getByRole("button", { name: "保存通报" }).click();
    await waitForIdle(page);
    await panel.getByText("文号格式应为").waitFor();
    expect(await panel.getByLabel("文号").getAttribute("aria-invalid")).toBe("true");
    // What was typed is kept.
    expect(await panel.getByLabel("发文机关").inputValue()).toBe("明湖区人民政府办公室");
    expect(await panel.getByRole("link", { name: "通报（Word）" }).count()).toBe(0);

    await panel.getByLabel("文号").fill("明政办发〔2026〕7号");
    await panel.getByRole("button", { name: "保存通报" }).click();
    await waitForIdle(page);
    await page.getByRole("status").getByText("通报已保存").waitFor();
    const word = panel.getByRole("link", { name: "通报（Word）" });
    await word.waitFor();
    expect(await panel.getByRole("link", { name: "通报（PDF）" }).count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent("download"), word.click()]);
    expect(download.suggestedFilename()).toBe("2025年度政务公开考核结果通报.docx");
    const file = await download.path();
    const xml = await (await JSZip.loadAsync(fs.readFileSync(file))).file("word/document.xml")!.async("string");
    expect(xml).toContain("明政办发〔2026〕7号");
    expect(xml).toContain("明湖区人民政府办公室文件");
    expect(xml).toContain("2026年2月15日");
    expect(errors).toEqual([]);
  });

  it("is downloaded by a leader, who gets no form", async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    await loginAs(page, server.url, "leader");
    await gotoHydrated(page, `${server.url}/results?cycle=2025`);
    const panel = page.getByRole("region", { name: "考核结果通报" });
    const pdf = panel.getByRole("link", { name: "通报（PDF）" });
    await pdf.waitFor();
    expect(await panel.getByRole("button", { name: "保存通报" }).count()).toBe(0);
    const [download] = await Promise.all([page.waitForEvent("download"), pdf.click()]);
    expect(download.suggestedFilename()).toBe("2025年度政务公开考核结果通报.pdf");
    expect(fs.readFileSync(await download.path()).subarray(0, 5).toString()).toBe("%PDF-");
  });
});
