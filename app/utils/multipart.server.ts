import type { Readable } from "node:stream";
import busboy from "busboy";
import { uploadRejected } from "./upload-stream.server";

/**
 * Streaming multipart/form-data parsing (busboy) for every upload route. Text fields are collected;
 * each file part is handed, one at a time and in order, to `onFile`, which must consume `data`
 * (stream it to disk). Nothing is buffered whole. The first refusal stops reading the request:
 * parts not yet handled are skipped, and the refusal is rethrown once every started handler has
 * finished (so a handler can clean up its temp file).
 */

export interface MultipartFile {
  /** The form field the file came in. */
  fieldName: string;
  /** The file name as the browser sent it ("" when the input was left empty). */
  fileName: string;
  data: AsyncIterable<Uint8Array>;
}

export interface MultipartOptions {
  onFile: (file: MultipartFile) => Promise<void>;
  /** Largest text field accepted. */
  maxFieldBytes: number;
}

const MALFORMED = "上传的表单内容不完整或格式不正确，请重新选择文件上传";
const MAX_FIELDS = 200;
const MAX_PARTS = 1000;

/**
 * Browsers escape three characters of a file name in the part header (WHATWG multipart/form-data
 * encoding): `"` as %22, LF as %0A and CR as %0D. Undo exactly those.
 */
function browserFileName(name: string | undefined): string {
  return (name ?? "").replace(/%22|%0A|%0D/gi, (m) => decodeURIComponent(m));
}

function createParser(request: Request, maxFieldBytes: number): busboy.Busboy {
  const contentType = request.headers.get("content-type") ?? "";
  if (!request.body || !/^multipart\/form-data\s*;/i.test(contentType)) {
    throw uploadRejected("malformed", MALFORMED);
  }
  try {
    return busboy({
      headers: { "content-type": contentType },
      defParamCharset: "utf8",
      limits: { fieldSize: maxFieldBytes, fields: MAX_FIELDS, parts: MAX_PARTS },
    });
  } catch {
    // busboy refuses a content type without a boundary: the client's request, not a fault of ours.
    throw uploadRejected("malformed", MALFORMED);
  }
}

export async function readMultipart(request: Request, opts: MultipartOptions): Promise<FormData> {
  const parser = createParser(request, opts.maxFieldBytes);
  const fields = new FormData();
  let failure: { error: unknown } | null = null;
  const fail = (error: unknown) => {
    if (failure) return;
    failure = { error };
    parser.destroy(); // ends the file stream being read, so its handler stops and cleans up
  };
  let handled: Promise<void> = Promise.resolve();

  parser.on("file", (fieldName: string, stream: Readable, info: busboy.FileInfo) => {
    // A broken-off form destroys the file stream, possibly before its handler starts reading it:
    // the parser reports that error itself, and the handler's read rethrows it.
    stream.on("error", () => undefined);
    handled = handled.then(async () => {
      if (!failure) {
        try {
          await opts.onFile({ fieldName, fileName: browserFileName(info.filename), data: stream });
        } catch (error) {
          fail(error);
        }
      }
      stream.resume(); // drain what the handler left, so the parser can move on
    });
  });
  parser.on("field", (name: string, value: string, info: busboy.FieldInfo) => {
    if (info.valueTruncated) {
      fail(uploadRejected("field_too_large", "表单内容过长，请精简后重新提交"));
    } else {
      fields.append(name, value);
    }
  });
  const tooMany = () => fail(uploadRejected("malformed", `一次提交的表单项过多（文件最多${MAX_PARTS}个），请分批上传`));
  parser.on("fieldsLimit", tooMany);
  parser.on("partsLimit", tooMany);
  const parsed = new Promise<void>((resolve) => {
    parser.on("close", resolve);
    parser.on("error", () => {
      fail(uploadRejected("malformed", MALFORMED));
      resolve();
    });
  });

  const reader = request.body!.getReader();
  try {
    while (!failure) {
      const { done, value } = await reader.read();
      if (done) {
        parser.end();
        await parsed;
        break;
      }
      if (!parser.write(value)) await Promise.race([new Promise((resolve) => parser.once("drain", resolve)), parsed]);
    }
  } catch (error) {
    fail(error); // the request body broke off
  } finally {
    // The rest of a refused request is left unread, as the response goes out.
    reader.releaseLock();
  }
  await handled;
  if (failure) throw (failure as { error: unknown }).error;
  return fields;
}
