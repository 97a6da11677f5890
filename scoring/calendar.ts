// Working-day calendar and ISO 8601 timestamps. Pure: no clock, no time zone
// database — every timestamp carries its own UTC offset.
//
// "Within N working days": the end falls no later than the end of the N-th
// working day after the start's calendar date (taken in the start's offset; the
// start day itself is not counted). A working day is Monday–Friday not listed in
// `holidays`, or any date listed in `workdays` (official make-up days, 调休).

import Decimal from "decimal.js";

export interface CalendarInput {
  holidays: string[];
  workdays: string[];
}

export type Limit = { hours: number } | { workingDays: number };

const DAY_US = 86_400_000_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** "YYYY-MM-DD" → days since epoch, or null when malformed or not a real date. */
export function parseDate(s: string): number | null {
  if (typeof s !== "string" || s.length !== 10) return null;
  return dateAt(s, 0);
}

/** The "YYYY-MM-DD" date written at s[i..i+10) (s long enough), or null. */
function dateAt(s: string, i: number): number | null {
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return null; // "-"
  const y = digits(s, i, 4);
  const m = digits(s, i + 5, 2);
  const d = digits(s, i + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return daysFromCivil(y, m, d);
}

/** Texts of recent dates: explanations repeat the same deadlines. */
const dateTexts = new Map<number, string>();

export function formatDate(day: number): string {
  let t = dateTexts.get(day);
  if (t === undefined) {
    const [y, m, d] = civilFromDays(day);
    t = `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
    if (dateTexts.size >= 100_000) dateTexts.clear();
    dateTexts.set(day, t);
  }
  return t;
}

export interface Instant {
  /** Microseconds since the epoch (UTC). */
  us: number;
  /** Calendar date (days since epoch) in the timestamp's own offset. */
  day: number;
  /** UTC offset in minutes. */
  offsetMin: number;
}

/**
 * Years a timestamp may have: microseconds since 1970 stay exact safe integers (within 2^53 µs,
 * about 285 years either side) for every instant of these years.
 */
export const INSTANT_MIN_YEAR = 1900;
export const INSTANT_MAX_YEAR = 2199;

/**
 * Parse "YYYY-MM-DDTHH:mm[:ss[.ffffff]](Z|±HH:mm|±HHmm)". Returns null when
 * malformed, out of range, or without an offset.
 */
export function parseInstant(s: string): Instant | null {
  const v: Instant = { us: 0, day: 0, offsetMin: 0 };
  return readInstant(s, v) ? v : null;
}

/** parseInstant() into an existing object (scoring reuses one per event end); false, `into` unspecified, where parseInstant gives null. */
export function readInstant(s: string, into: Instant): boolean {
  if (typeof s !== "string" || s.length < 17 || s[10] !== "T") return false;
  const day = dateAt(s, 0);
  if (day === null) return false;
  const year = digits(s, 0, 4);
  if (year < INSTANT_MIN_YEAR || year > INSTANT_MAX_YEAR) return false;
  if (s[13] !== ":") return false;
  const hh = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59) return false;
  let i = 16;
  let ss = 0;
  let frac = 0;
  if (s[i] === ":") {
    ss = digits(s, i + 1, 2);
    if (ss < 0 || ss > 59) return false;
    i += 3;
    if (s[i] === "." || s[i] === ",") {
      i++;
      let n = 0;
      let v = 0;
      while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
        if (n < 6) v = v * 10 + (s.charCodeAt(i) - 48);
        n++;
        i++;
      }
      if (n === 0 || n > 9) return false;
      frac = v * 10 ** (6 - Math.min(n, 6));
    }
  }
  let offsetMin: number;
  // The rest, s[i..], is "Z", "±HH:mm" or "±HHmm".
  const restLength = s.length - i;
  if (restLength === 1 && s[i] === "Z") {
    offsetMin = 0;
  } else {
    const sign = s[i] === "+" ? 1 : s[i] === "-" ? -1 : 0;
    if (sign === 0) return false;
    let oh: number;
    let om: number;
    if (restLength === 6 && s[i + 3] === ":") {
      oh = digits(s, i + 1, 2);
      om = digits(s, i + 4, 2);
    } else if (restLength === 5) {
      oh = digits(s, i + 1, 2);
      om = digits(s, i + 3, 2);
    } else return false;
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return false;
    offsetMin = sign * (oh * 60 + om);
  }
  const us = (day * 86_400 + hh * 3600 + mi * 60 + ss) * 1_000_000 + frac - offsetMin * 60_000_000;
  into.us = us;
  into.day = day;
  into.offsetMin = offsetMin;
  return true;
}

/** A compiled calendar with memoised working-day arithmetic. */
export class WorkCalendar {
  private readonly holidays: Set<number>;
  private readonly workdays: Set<number>;
  private readonly memo = new Map<number, number>();

  constructor(cal: CalendarInput | undefined) {
    this.holidays = new Set();
    this.workdays = new Set();
    for (const d of cal?.holidays ?? []) {
      const v = parseDate(d);
      if (v !== null) this.holidays.add(v);
    }
    for (const d of cal?.workdays ?? []) {
      const v = parseDate(d);
      if (v !== null) this.workdays.add(v);
    }
  }

  isWorkingDay(day: number): boolean {
    if (this.workdays.has(day)) return true;
    if (this.holidays.has(day)) return false;
    const dow = (((day % 7) + 7 + 4) % 7); // 0 = Sunday (1970-01-01 was a Thursday)
    return dow >= 1 && dow <= 5;
  }

  /** The n-th working day strictly after `day` (n ≥ 1); `day` itself for n = 0. */
  addWorkingDays(day: number, n: number): number {
    const key = day * 1024 + n;
    const small = n >= 0 && n < 1024;
    if (small) {
      const hit = this.memo.get(key);
      if (hit !== undefined) return hit;
    }
    let d = day;
    let count = 0;
    // A year always has working days, so this terminates for any finite calendar.
    while (count < n) {
      d++;
      if (this.isWorkingDay(d)) count++;
    }
    if (small) this.memo.set(key, d);
    return d;
  }

  /** Deadline instant (exclusive, µs) for "within n working days" of `start`. */
  deadlineUs(start: Instant, n: number): number {
    const lastDay = this.addWorkingDays(start.day, n);
    return (lastDay + 1) * DAY_US - start.offsetMin * 60_000_000;
  }
}

/** "Within N hours" means end − start ≤ N hours: the limit in whole µs (exact floor). */
export function hoursToUs(hours: number): number {
  return new Decimal(hours).times(3_600_000_000).floor().toNumber();
}

/** A limit prepared once per rule. */
export type CompiledLimit = { kind: "hours"; hours: number; us: number } | { kind: "workingDays"; n: number };

export function compileLimit(limit: { hours?: number; workingDays?: number }): CompiledLimit {
  if (limit.hours !== undefined) return { kind: "hours", hours: limit.hours, us: hoursToUs(limit.hours) };
  return { kind: "workingDays", n: limit.workingDays ?? 0 };
}

export function onTime(start: Instant, end: Instant, limit: CompiledLimit, cal: WorkCalendar): boolean {
  if (limit.kind === "hours") return end.us - start.us <= limit.us;
  return end.us < cal.deadlineUs(start, limit.n);
}

function mustInstant(s: string, what: string): Instant {
  const v = parseInstant(s);
  if (v === null) throw new Error(`${what}“${s}”格式不正确，应为带时区的 ISO 8601 格式（年份${INSTANT_MIN_YEAR}–${INSTANT_MAX_YEAR}），例如 2019-09-27T10:00:00+08:00`);
  return v;
}

function mustDate(s: string): number {
  const v = parseDate(s);
  if (v === null) throw new Error(`日期“${s}”格式不正确，应为 YYYY-MM-DD`);
  return v;
}

/**
 * Whether an event from `start` to `end` met the limit. Throws (Chinese
 * message) on malformed timestamps or an end before its start.
 */
export function isWithinLimit(start: string, end: string, limit: Limit, calendar: CalendarInput): boolean {
  const s = mustInstant(start, "开始时间");
  const e = mustInstant(end, "结束时间");
  if (e.us < s.us) throw new Error("结束时间早于开始时间");
  return onTime(s, e, compileLimit(limit), new WorkCalendar(calendar));
}

/** The n-th working day after `date` ("YYYY-MM-DD"), as "YYYY-MM-DD". */
export function addWorkingDays(date: string, n: number, calendar: CalendarInput): string {
  if (!Number.isInteger(n) || n < 0) throw new Error("工作日数须为非负整数");
  return formatDate(new WorkCalendar(calendar).addWorkingDays(mustDate(date), n));
}

export function isWorkingDay(date: string, calendar: CalendarInput): boolean {
  return new WorkCalendar(calendar).isWorkingDay(mustDate(date));
}

/** Last calendar date ("YYYY-MM-DD", in the start's offset) that is still on time. */
export function workingDayDeadline(start: string, workingDays: number, calendar: CalendarInput): string {
  const s = mustInstant(start, "开始时间");
  return formatDate(new WorkCalendar(calendar).addWorkingDays(s.day, workingDays));
}
