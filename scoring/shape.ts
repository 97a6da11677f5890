// A fast structural check of the units of a package: true only when every unit is exactly what
// `unitSchema` (schema.ts) would accept and return unchanged — plain objects, only known keys,
// the right types. Units make up nearly all of a large package, and zod copies every object it
// parses; when this check passes, validatePackage() takes the units as they are and lets zod
// check only the rest. Anything unusual (an unknown key, an undefined value, a wrong type) returns
// false, and the whole package goes through zod as before, with zod's messages.

type Obj = Record<string, unknown>;

function isPlain(x: unknown): x is Obj {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

const isNum = (x: unknown): boolean => typeof x === "number" && Number.isFinite(x);
const isStr = (x: unknown): boolean => typeof x === "string";
const isFilled = (x: unknown): boolean => typeof x === "string" && x.length > 0;

/** Every key of `o` is allowed and its value passes its check; `required` keys must be present. */
function fields(o: Obj, checks: Record<string, (v: unknown) => boolean>, required: readonly string[] = []): boolean {
  for (const key in o) {
    if (!Object.prototype.hasOwnProperty.call(o, key)) return false;
    const check = Object.prototype.hasOwnProperty.call(checks, key) ? checks[key] : undefined;
    if (check === undefined || !check(o[key])) return false;
  }
  for (const key of required) if (!(key in o)) return false;
  return true;
}

const arrayOf =
  (item: (v: unknown) => boolean) =>
  (v: unknown): boolean => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
    return true;
  };

const SCORE_ENTRY = { value: isNum, by: isStr, source: isStr, kind: (v: unknown) => v === "outside" || v === "spotcheck" };
const scoreEntry = (v: unknown): boolean => isNum(v) || (isPlain(v) && fields(v, SCORE_ENTRY, ["value"]));

const DEDUCTION = { fault: isFilled, count: isNum, points: isNum, reason: isStr, source: isStr };
const deduction = (v: unknown): boolean => isPlain(v) && fields(v, DEDUCTION);

const EVENT = { start: isStr, end: isStr, label: isStr, source: isStr };
const event = (v: unknown): boolean => isPlain(v) && fields(v, EVENT, ["start", "end"]);

const OVERRIDE = { value: isNum, reason: isFilled, by: (v: unknown) => v === "arbitration" || v === "appeal" };
const override = (v: unknown): boolean => isPlain(v) && fields(v, OVERRIDE, ["value", "reason", "by"]);

const isBool = (v: unknown): boolean => typeof v === "boolean";

const TASK = { task: isFilled, done: isBool, evidence: isNum };
const task = (v: unknown): boolean => isPlain(v) && fields(v, TASK, ["task", "done"]);

const LEAF_INPUT = {
  na: isBool,
  reason: isStr,
  scores: arrayOf(scoreEntry),
  deductions: arrayOf(deduction),
  value: isNum,
  numerator: isNum,
  denominator: isNum,
  events: arrayOf(event),
  triggered: isBool,
  tasks: arrayOf(task),
  override,
  source: isStr,
};
const leafInput = (v: unknown): boolean => isPlain(v) && fields(v, LEAF_INPUT);

function inputs(v: unknown): boolean {
  if (!isPlain(v)) return false;
  for (const key in v) {
    if (key === "__proto__" || !Object.prototype.hasOwnProperty.call(v, key) || !leafInput(v[key])) return false;
  }
  return true;
}

const UNIT = { id: isFilled, name: isFilled, category: isFilled, inputs };
const unit = (v: unknown): boolean => isPlain(v) && fields(v, UNIT, ["id", "name", "category", "inputs"]);

/** True when `units` is an array of units that unitSchema would return exactly as they are. */
export function unitsArePlain(units: unknown): boolean {
  return arrayOf(unit)(units);
}
