import { DomainError, type ErrorCode } from "../../app/domain/domain-error";

/** What a service's refusal says — its code and each field's message; throws when `run` is not refused. */
export function refused(run: () => unknown): { code: ErrorCode; fieldErrors: Record<string, string> } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, fieldErrors: error.fieldErrors() };
    throw error;
  }
  throw new Error("expected a refusal (DomainError), but the call succeeded");
}
