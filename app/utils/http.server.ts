import { DomainError, type ErrorCode } from "../domain/domain-error";

/** The one mapping from a refusal's code to the HTTP status a route answers with. */
export const HTTP_STATUS: Record<ErrorCode, 400 | 403 | 404 | 409 | 413> = {
  invalid: 400,
  tooLarge: 413,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
};

/** A refusal as a plain-text Response (the root ErrorBoundary shows it in Chinese). */
export function errorResponse(error: DomainError): Response {
  return new Response(error.message, { status: HTTP_STATUS[error.code], headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** A refusal's status, message and field, or null when `error` is not a refusal (a bug: rethrow it). */
export function refusalOf(error: unknown): { status: (typeof HTTP_STATUS)[ErrorCode]; message: string; field?: string } | null {
  if (!(error instanceof DomainError)) return null;
  return { status: HTTP_STATUS[error.code], message: error.message, field: error.field };
}

/** Run a step whose refusal the page shows as its message: the step's value, or the refusal (anything else is rethrown). */
export async function valueOrRefusal<T>(step: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; status: number; message: string }> {
  try {
    return { ok: true, value: await step() };
  } catch (error) {
    const r = refusalOf(error);
    if (!r) throw error;
    return { ok: false, status: r.status, message: r.message };
  }
}

/** For loaders: a refusal becomes its Response; anything else is rethrown as it is. */
export function throwAsResponse(error: unknown): never {
  if (error instanceof DomainError) throw errorResponse(error);
  throw error;
}

/** For loaders: the answer of one service call that may refuse (e.g. an object that is not there); a refusal becomes its Response. */
export function orRefusalResponse<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throwAsResponse(error);
  }
}

/**
 * For actions that answer in the page: a thrown Response passes through; a refusal whose code is one
 * of `pageCodes` (forbidden, unless told otherwise — e.g. also notFound for an object named by the
 * URL) becomes the page's error, like a loader's; any other refusal its field errors and status;
 * anything else is rethrown.
 */
export function actionRefusal(error: unknown, pageCodes: readonly ErrorCode[] = ["forbidden"]): { status: number; fieldErrors: Record<string, string> } {
  if (error instanceof Response) throw error;
  if (error instanceof DomainError && pageCodes.includes(error.code)) throw errorResponse(error);
  return refusalErrors(error);
}

/** For actions: the refusal as field errors (DomainError.fieldErrors) with its status; anything else is rethrown. */
export function refusalErrors(error: unknown): { status: number; fieldErrors: Record<string, string> } {
  if (!(error instanceof DomainError)) throw error;
  return { status: HTTP_STATUS[error.code], fieldErrors: error.fieldErrors() };
}

/** Responses thrown by guards in routes, built from the same mapping. */
export function forbidden(message = "您无权访问此页面或执行此操作。"): Response {
  return errorResponse(new DomainError("forbidden", message));
}

export function notFound(message = "您要找的内容不存在。"): Response {
  return errorResponse(new DomainError("notFound", message));
}

export function badRequest(message: string): Response {
  return errorResponse(new DomainError("invalid", message));
}

/** Parse a positive integer id from a route param; anything else is a 404. */
export function parseId(value: string | undefined): number {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) throw notFound();
  return Number(value);
}
