import type { ReactNode } from "react";

/** The outcome of the last form post: its confirmation (role=status) and/or an error that belongs to no single field (role=alert). */
export function FormOutcome({ notice, error }: { notice?: ReactNode; error?: ReactNode }) {
  return (
    <>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
