import { useState, type ReactNode } from "react";
import { FieldError } from "./Field";

/** One column of a repeated group: a text input, or a select when `options` are given. */
export interface RowColumn<T> {
  key: keyof T & string;
  header: string;
  /** The form field name (one value per row, in row order). */
  name: string;
  /** The input's accessible name for row `n` (1-based). */
  label: (n: number) => string;
  size?: number;
  decimal?: boolean;
  options?: { value: string; label: string }[];
}

interface Props<T> {
  legend: string;
  initial: T[];
  blank: T;
  columns: RowColumn<T>[];
  /** Errors are keyed `${group}.${row}.${key}`, and `${group}` for the whole group. */
  group: string;
  /** Element ids: `f-${idPrefix}-${row}-${key}-error`. */
  idPrefix: string;
  addLabel: string;
  errors: Record<string, string | undefined>;
  disabled: boolean;
  note?: ReactNode;
}

/**
 * A repeated group of the indicator editor (faults, checklist tasks, tiers): the given rows plus two
 * blank ones to fill in, one input per column, each with its own error, and a button for more rows.
 */
export function RowsEditor<T extends Record<string, string>>(props: Props<T>) {
  const { columns, errors, disabled, group, idPrefix } = props;
  const [rows, setRows] = useState<T[]>(() => [...props.initial, props.blank, props.blank]);
  return (
    <fieldset className="field">
      <legend>{props.legend}</legend>
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.key}>
                  {c.options ? (
                    <select name={c.name} aria-label={c.label(i + 1)} defaultValue={row[c.key]} disabled={disabled}>
                      {c.options.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      name={c.name}
                      aria-label={c.label(i + 1)}
                      defaultValue={row[c.key]}
                      disabled={disabled}
                      size={c.size}
                      inputMode={c.decimal ? "decimal" : undefined}
                    />
                  )}
                  <FieldError id={`f-${idPrefix}-${i}-${c.key}-error`} message={errors[`${group}.${i}.${c.key}`]} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <FieldError id={`f-${group}-error`} message={errors[group]} />
      {disabled ? null : (
        <button type="button" className="secondary" onClick={() => setRows((r) => [...r, props.blank])}>
          {props.addLabel}
        </button>
      )}
      {props.note ? <span className="muted">{props.note}</span> : null}
    </fieldset>
  );
}
