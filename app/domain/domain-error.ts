/**
 * The one refusal type: a code saying what kind of refusal it is and a Chinese message for the
 * person refused (with the form field it concerns, when there is one). Services throw it; routes
 * turn it into an HTTP answer in one place (app/utils/http.server.ts).
 */
export const ERROR_CODES = ["invalid", "tooLarge", "forbidden", "notFound", "conflict"] as const;
/** invalid: bad input; tooLarge: an upload over its size limit; forbidden: not this user's to see or do; notFound: no such object; conflict: not in this state, or changed meanwhile. */
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError<Details extends object = object> extends Error {
  /**
   * A form refused on several fields at once (each field's own message, e.g. every zod issue):
   * the error's message and field are the first of them.
   */
  static fields(fieldErrors: Record<string, string>): DomainError<{ fieldErrors: Record<string, string> }> {
    const [field, message] = Object.entries(fieldErrors)[0] ?? ["_form", "提交的内容有误"];
    return new DomainError("invalid", message, field === "_form" ? undefined : field, { fieldErrors });
  }

  /** The messages a form shows beside its fields: every field of `fields`, else its one field's (or `_form`'s). */
  fieldErrors(): Record<string, string> {
    const details: object | undefined = this.details;
    if (details && "fieldErrors" in details) return details.fieldErrors as Record<string, string>;
    return { [this.field ?? "_form"]: this.message };
  }

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The form field the message belongs to (else it is about the whole form). */
    readonly field?: string,
    /** What a caller may show beside the message (e.g. the missing items of a submission). */
    readonly details?: Details,
  ) {
    super(message);
    this.name = "DomainError";
  }
}
