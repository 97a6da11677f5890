import { EvidenceError } from "./evidence.server";
import { EvaluationError } from "./evaluation-context.server";

/**
 * Route glue for evaluation pages: a service refusal (EvaluationError / EvidenceError) becomes the
 * HTTP status and Chinese message a route answers with; anything else is a bug and is rethrown.
 */

export interface Refusal {
  status: number;
  message: string;
  field?: string;
}

export function evaluationRefusal(error: unknown): Refusal | null {
  if (error instanceof EvaluationError) return { status: error.status, message: error.message, field: error.field };
  if (error instanceof EvidenceError) return { status: error.status, message: error.message };
  return null;
}

/** For loaders: a refusal as a plain-text Response (the root ErrorBoundary shows it). */
export function throwRefusal(error: unknown): never {
  const r = evaluationRefusal(error);
  if (r) throw new Response(r.message, { status: r.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  throw error;
}

/**
 * For actions that answer in the page: a thrown Response passes through; a 403 refusal becomes the
 * page's error (like a loader's); any other refusal its field errors and status; anything else is rethrown.
 */
export function actionRefusal(error: unknown): { status: number; fieldErrors: Record<string, string> } {
  if (error instanceof Response) throw error;
  const r = refusalErrors(error);
  if (r.status === 403) throwRefusal(error);
  return r;
}

/** For actions: the refusal as field errors (its field, else `_form`) with its status. */
export function refusalErrors(error: unknown): { status: number; fieldErrors: Record<string, string> } {
  const r = evaluationRefusal(error);
  if (!r) throw error;
  return { status: r.status, fieldErrors: { [r.field ?? "_form"]: r.message } };
}
