import { Transform } from "node:stream";

/**
 * The stream React's renderToPipeableStream pipes the HTML into.
 *
 * NUL padding: React 18 sometimes pads a chunk with NUL bytes: when the next multi-byte character
 * (every Chinese character is 3 bytes in UTF-8) does not fit the rest of its 2 KB buffer, it writes
 * the whole buffer, unused tail included (facebook/react#24985, fixed only in React 19). The NULs
 * land inside text and attributes ("已填\0\0报"). HTML never carries NUL bytes and UTF-8 never uses
 * 0x00 inside a character, so dropping every 0x00 byte removes exactly the padding.
 *
 * One chunk per flush: React writes a finished page as some twenty-five 2 KB chunks in one go, and
 * the server writes (and, compressed, flushes) every chunk it gets on its own. The chunks React
 * writes in one go are passed on as one, once it is done (a microtask later), so nothing waits.
 */
export function createHtmlBodyStream(): Transform {
  let pending: Buffer[] = [];
  let scheduled = false;
  const passOn = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunk = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    pending = [];
    stream.push(chunk);
  };
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      pending.push(chunk.indexOf(0) === -1 ? chunk : Buffer.from(chunk.filter((b) => b !== 0)));
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(passOn);
      }
      callback();
    },
    flush(callback) {
      passOn();
      callback();
    },
  });
  return stream;
}
