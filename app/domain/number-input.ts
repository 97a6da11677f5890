/**
 * Numbers typed into the department's and the evaluator's leaf forms: checked as text, so every
 * refusal has a Chinese message naming the field.
 */

/** The largest count (faults, items) a form accepts. */
export const MAX_COUNT = 100_000;

const DECIMAL_RE = /^[+-]?(\d+)(?:\.(\d+))?$/;

export type NumberCheck = { ok: true; value: number } | { ok: false; message: string };

/** A non-negative decimal with at most `decimals` places (default 2), or with `integer` a whole number up to MAX_COUNT. */
export function parseDecimal(raw: string, label: string, opts: { decimals?: number; integer?: boolean } = {}): NumberCheck {
  const s = raw.trim();
  if (s === "") return { ok: false, message: `请填写${label}` };
  const m = DECIMAL_RE.exec(s);
  if (!m) return { ok: false, message: `${label}须为数字` };
  const value = Number(s);
  if (!Number.isFinite(value)) return { ok: false, message: `${label}须为数字` };
  if (value < 0) return { ok: false, message: `${label}不能为负数` };
  if (opts.integer && m[2] !== undefined && /[1-9]/.test(m[2])) return { ok: false, message: `${label}须为整数` };
  if (opts.integer && value > MAX_COUNT) return { ok: false, message: `${label}不能超过${MAX_COUNT}` };
  const decimals = opts.decimals ?? 2;
  if (!opts.integer && m[2] !== undefined && m[2].replace(/0+$/, "").length > decimals) return { ok: false, message: `${label}最多保留${decimals}位小数` };
  return { ok: true, value };
}

/** Numerator and denominator of a ratio (numerator ≤ denominator, denominator > 0); errors go to the two fields. */
export function parseFraction(numText: string, denText: string, errors: Record<string, string>): { numerator: number; denominator: number } | null {
  const num = parseDecimal(numText, "分子");
  const den = parseDecimal(denText, "分母");
  if (!num.ok) errors.numerator = num.message;
  if (!den.ok) errors.denominator = den.message;
  else if (den.value === 0) errors.denominator = "分母须大于0";
  if (!num.ok || !den.ok || den.value === 0) return null;
  if (num.value > den.value) {
    errors.numerator = `分子（${num.value}）不能大于分母（${den.value}）`;
    return null;
  }
  return { numerator: num.value, denominator: den.value };
}
