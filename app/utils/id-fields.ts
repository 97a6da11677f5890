import { z } from "zod";

/** A record's id as a form sends it: 1 to 16 digits, no leading zero. */
const ID_TEXT = /^[1-9][0-9]{0,15}$/;

/** A required id from a <select>, refused with `message` when missing or malformed. */
export const idField = (message: string) =>
  z
    .string({ required_error: message })
    .trim()
    .regex(ID_TEXT, message)
    .transform(Number);

/** An optional id from a <select>: empty means none; a malformed one is refused with `message`. */
export const optionalIdField = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!ID_TEXT.test(v)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message });
        return z.NEVER;
      }
      return Number(v);
    });
