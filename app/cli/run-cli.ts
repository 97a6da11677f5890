import { closeDb } from "../../db/client";

/**
 * Runs a command-line entry point against DATA_DIR: the database is closed afterwards and the exit
 * code is main's; an unexpected error prints `<failure>：<message>` in Chinese and exits 1.
 */
export function runCli(main: () => Promise<number> | number, failure: string): void {
  Promise.resolve()
    .then(main)
    .then((code) => {
      closeDb();
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      console.error(`${failure}：${error instanceof Error ? error.message : String(error)}`);
      closeDb();
      process.exitCode = 1;
    });
}
