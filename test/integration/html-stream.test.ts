import { PassThrough, type Writable } from "node:stream";
import { createElement } from "react";
import { renderToPipeableStream } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { createHtmlBodyStream } from "../../app/utils/html-stream.server";

/** Many short text nodes, as a real page has (long strings take another path in React). */
const PIECES = Array.from({ length: 800 }, (_, i) => (i % 3 === 0 ? "a" : i % 3 === 1 ? "已填报指标" : "（含不适用）"));

/** Render like app/entry.server.tsx does and collect the bytes that would be sent (and in how many chunks). */
function renderChunks(body: Writable & NodeJS.ReadableStream): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on("data", (c: Buffer) => chunks.push(c));
    body.on("end", () => resolve(chunks));
    body.on("error", reject);
    const page = createElement(
      "main",
      null,
      PIECES.map((p, i) => createElement("span", { key: i, title: p }, p)),
    );
    const { pipe } = renderToPipeableStream(page, { onShellReady: () => pipe(body), onShellError: reject });
  });
}

const render = async (body: Writable & NodeJS.ReadableStream) => Buffer.concat(await renderChunks(body));

const EXPECTED = `<main>${PIECES.map((p) => `<span title="${p}">${p}</span>`).join("")}</main>`;

describe("streamed HTML keeps Chinese text intact", () => {
  it("React 18 alone pads chunks with NUL bytes inside the text (the bug being worked around)", async () => {
    const bytes = await render(new PassThrough());
    expect(bytes.includes(0)).toBe(true);
  });

  it("the page body stream drops the padding: no NUL byte, the text and attribute come out exactly", async () => {
    const bytes = await render(createHtmlBodyStream());
    expect(bytes.includes(0)).toBe(false);
    const html = bytes.toString("utf8");
    expect(html).toBe(EXPECTED);
  });

  it("passes a page React writes in one go on as one chunk (one write to the socket, one compression flush)", async () => {
    expect((await renderChunks(new PassThrough())).length).toBeGreaterThan(3);
    const chunks = await renderChunks(createHtmlBodyStream());
    expect(chunks).toHaveLength(1);
    expect(chunks[0].toString("utf8")).toBe(EXPECTED);
  });
});
