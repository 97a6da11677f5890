import type { InputHTMLAttributes, ReactNode } from "react";

/** A field's error message, announced to assistive technology; nothing without a message. */
export function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span id={id} className="field-error" role="alert">
      {message}
    </span>
  ) : null;
}

function FieldHint({ id, hint }: { id: string; hint?: string }) {
  return hint ? (
    <span id={id} className="muted">
      {hint}
    </span>
  ) : null;
}

/** aria-describedby for a control with an optional error and hint (ids `<id>-error`, `<id>-hint`). */
function describedBy(id: string, error?: string, hint?: string): string | undefined {
  return [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  error?: string;
  hint?: string;
}

/** A labelled input with its error announced to assistive technology. */
export function Field({ name, label, error, hint, id, ...rest }: FieldProps) {
  const inputId = id ?? `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(inputId, error, hint)} {...rest} />
      <FieldHint id={`${inputId}-hint`} hint={hint} />
      <FieldError id={`${inputId}-error`} message={error} />
    </div>
  );
}

/** A short numeric input (scores, counts, ratios) typed as text so partial input is kept for the error message. */
export function NumberField(props: { name: string; label: string; value?: string; error?: string; disabled: boolean; hint?: string; inputMode?: "decimal" | "numeric" }) {
  return (
    <Field
      name={props.name}
      label={props.label}
      type="text"
      inputMode={props.inputMode ?? "decimal"}
      defaultValue={props.value ?? ""}
      disabled={props.disabled}
      error={props.error}
      hint={props.hint}
      style={{ maxWidth: "12rem" }}
    />
  );
}

/** A labelled select (options as children) with its hint and error. */
export function SelectField(props: { id?: string; name: string; label: string; error?: string; hint?: string; defaultValue?: string; children: ReactNode }) {
  const id = props.id ?? `f-${props.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} name={props.name} defaultValue={props.defaultValue} aria-invalid={props.error ? true : undefined} aria-describedby={describedBy(id, props.error, props.hint)}>
        {props.children}
      </select>
      <FieldHint id={`${id}-hint`} hint={props.hint} />
      <FieldError id={`${id}-error`} message={props.error} />
    </div>
  );
}
