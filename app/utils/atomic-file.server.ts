import fs from "node:fs";
import path from "node:path";
import { finished } from "node:stream/promises";

/**
 * Write `file` through a stream under a temporary name next to it (same file system), renamed into
 * place once complete. On any failure the temporary file is removed and the error rethrown, so
 * `file` is either complete or untouched — never half-written (CLI exports).
 */
export async function writeFileAtomically(file: string, write: (out: fs.WriteStream) => Promise<void>): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.part`);
  const out = fs.createWriteStream(tmp);
  try {
    await write(out);
    if (!out.writableEnded) out.end();
    await finished(out);
    fs.renameSync(tmp, file);
  } catch (e) {
    // The stream opens its file asynchronously: remove it only once the stream has closed, or a
    // late open would create it again.
    if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()).destroy());
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
