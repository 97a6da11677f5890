import { Transform } from "node:stream";

/**
 * The stream React's renderToPipeableStream pipes the HTML into. React 18 sometimes pads a chunk
 * with NUL bytes: when the next multi-byte character (every Chinese character is 3 bytes in UTF-8)
 * does not fit the rest of its 2 KB buffer, it writes the whole buffer, unused tail included
 * (facebook/react#24985, fixed only in React 19). The NULs land inside text and attributes
 * ("已填\0\0报"). HTML never carries NUL bytes and UTF-8 never uses 0x00 inside a character, so
 * dropping every 0x00 byte removes exactly the padding.
 */
export function createHtmlBodyStream(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (chunk.indexOf(0) === -1) callback(null, chunk);
      else callback(null, Buffer.from(chunk.filter((b) => b !== 0)));
    },
  });
}
