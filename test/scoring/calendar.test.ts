// Working days around the 2019 National Day and Spring Festival holidays.
import { describe, expect, it } from "vitest";
import { addWorkingDays, isWithinLimit, isWorkingDay, parseInstant, workingDayDeadline } from "../../scoring";

// 国务院办公厅关于2019年部分节假日安排的通知: 国庆节 10月1日至7日放假调休，共7天；
// 9月29日（星期日）、10月12日（星期六）上班。春节 2月4日至10日放假调休，共7天；
// 2月2日（星期六）、2月3日（星期日）上班。
const CAL_2019 = {
  holidays: [
    "2019-02-04", "2019-02-05", "2019-02-06", "2019-02-07", "2019-02-08", "2019-02-09", "2019-02-10",
    "2019-10-01", "2019-10-02", "2019-10-03", "2019-10-04", "2019-10-05", "2019-10-06", "2019-10-07",
  ],
  workdays: ["2019-02-02", "2019-02-03", "2019-09-29", "2019-10-12"],
};

describe("working days: National Day 2019", () => {
  it.each([
    ["2019-09-27", 1, "2019-09-29"], // Fri → Sun make-up day
    ["2019-09-27", 2, "2019-09-30"],
    ["2019-09-27", 3, "2019-10-08"], // skips the whole holiday
    ["2019-09-28", 1, "2019-09-29"], // from a Saturday
    ["2019-09-30", 1, "2019-10-08"],
    ["2019-10-03", 1, "2019-10-08"], // from inside the holiday
    ["2019-10-08", 4, "2019-10-12"], // Sat make-up day counts
    ["2019-10-08", 5, "2019-10-14"],
    ["2019-10-11", 1, "2019-10-12"],
    ["2019-10-12", 1, "2019-10-14"],
    ["2019-09-27", 0, "2019-09-27"],
  ])("%s + %i working days = %s", (from, n, expected) => {
    expect(addWorkingDays(from, n, CAL_2019)).toBe(expected);
  });

  it.each([
    ["2019-09-28", false],
    ["2019-09-29", true],
    ["2019-10-01", false],
    ["2019-10-05", false],
    ["2019-10-07", false],
    ["2019-10-08", true],
    ["2019-10-12", true],
    ["2019-10-13", false],
  ])("%s working: %s", (d, w) => {
    expect(isWorkingDay(d, CAL_2019)).toBe(w);
  });

  it("without the calendar only weekends count as rest days", () => {
    expect(addWorkingDays("2019-09-27", 3, { holidays: [], workdays: [] })).toBe("2019-10-02");
  });

  it("the end must be no later than the end of the N-th working day (start day not counted)", () => {
    const limit = { workingDays: 3 };
    const start = "2019-09-27T17:30:00+08:00";
    expect(isWithinLimit(start, "2019-10-08T23:59:59+08:00", limit, CAL_2019)).toBe(true);
    expect(isWithinLimit(start, "2019-10-08T23:59:59.999+08:00", limit, CAL_2019)).toBe(true);
    expect(isWithinLimit(start, "2019-10-09T00:00:00+08:00", limit, CAL_2019)).toBe(false);
    expect(isWithinLimit(start, "2019-09-27T18:00:00+08:00", limit, CAL_2019)).toBe(true);
    expect(workingDayDeadline(start, 3, CAL_2019)).toBe("2019-10-08");
  });

  it("dates are taken in the offset given in the timestamp", () => {
    // 20:00 on Sep 30 at −05:00 is already Oct 1 in Beijing; the start's own date is Sep 30.
    const start = "2019-09-30T20:00:00-05:00";
    expect(workingDayDeadline(start, 1, CAL_2019)).toBe("2019-10-08");
    // end of Oct 8 at −05:00 = 2019-10-09T05:00Z = 13:00 in Beijing
    expect(isWithinLimit(start, "2019-10-09T12:59:59+08:00", { workingDays: 1 }, CAL_2019)).toBe(true);
    expect(isWithinLimit(start, "2019-10-09T13:00:00+08:00", { workingDays: 1 }, CAL_2019)).toBe(false);
    // The same instant written in +08:00 has date Oct 1 (a holiday) → the deadline is still Oct 8, end of day Beijing.
    expect(workingDayDeadline("2019-10-01T09:00:00+08:00", 1, CAL_2019)).toBe("2019-10-08");
  });
});

describe("working days: Spring Festival 2019", () => {
  it.each([
    ["2019-02-01", 1, "2019-02-02"], // Sat make-up
    ["2019-02-01", 2, "2019-02-03"], // Sun make-up
    ["2019-02-01", 3, "2019-02-11"], // after the holiday
    ["2019-02-03", 1, "2019-02-11"],
    ["2019-01-31", 7, "2019-02-14"], // Feb 1, 2, 3, 11, 12, 13, 14
  ])("%s + %i working days = %s", (from, n, expected) => {
    expect(addWorkingDays(from, n, CAL_2019)).toBe(expected);
  });

  it("an interpretation due within 3 working days of a document issued on 2019-02-01", () => {
    const issued = "2019-02-01T15:00:00+08:00";
    expect(isWithinLimit(issued, "2019-02-11T09:00:00+08:00", { workingDays: 3 }, CAL_2019)).toBe(true);
    expect(isWithinLimit(issued, "2019-02-12T09:00:00+08:00", { workingDays: 3 }, CAL_2019)).toBe(false);
    expect(isWithinLimit(issued, "2019-02-04T09:00:00+08:00", { workingDays: 2 }, CAL_2019)).toBe(false);
  });
});

describe("hours", () => {
  it("end − start ≤ N hours, across offsets", () => {
    expect(isWithinLimit("2019-09-27T10:00:00+08:00", "2019-09-27T15:00:00+08:00", { hours: 5 }, CAL_2019)).toBe(true);
    expect(isWithinLimit("2019-09-27T10:00:00+08:00", "2019-09-27T07:00:00Z", { hours: 5 }, CAL_2019)).toBe(true);
    expect(isWithinLimit("2019-09-27T10:00:00+08:00", "2019-09-27T07:00:01Z", { hours: 5 }, CAL_2019)).toBe(false);
    expect(isWithinLimit("2019-09-27T10:00:00+08:00", "2019-09-28T10:00:00+08:00", { hours: 24 }, CAL_2019)).toBe(true);
    expect(isWithinLimit("2019-09-27T10:00:00+08:00", "2019-09-27T11:30:00+08:00", { hours: 1.5 }, CAL_2019)).toBe(true);
    expect(isWithinLimit("2019-09-27T10:00:00+08:00", "2019-09-27T11:30:00.001+08:00", { hours: 1.5 }, CAL_2019)).toBe(false);
  });
});

describe("timestamps", () => {
  it("rejects malformed or offset-less timestamps and ends before starts", () => {
    expect(() => isWithinLimit("2019-09-27 10:00", "2019-09-28T10:00:00+08:00", { hours: 1 }, CAL_2019)).toThrow(/格式不正确/);
    expect(() => isWithinLimit("2019-09-27T10:00:00", "2019-09-28T10:00:00+08:00", { hours: 1 }, CAL_2019)).toThrow(/格式不正确/);
    expect(() => isWithinLimit("2019-09-28T10:00:00+08:00", "2019-09-27T10:00:00+08:00", { hours: 1 }, CAL_2019)).toThrow(/早于/);
  });

  it.each(["2019-02-29T10:00:00+08:00", "2019-13-01T10:00:00+08:00", "2019-09-27T24:00:00+08:00", "2019-09-27T10:00:00+8:00", "2019-09-27", "昨天"])(
    "%s is not a valid timestamp",
    (s) => {
      expect(parseInstant(s)).toBeNull();
    },
  );

  it("parses offsets, Z and fractions", () => {
    const a = parseInstant("2019-09-27T10:00:00+08:00");
    const b = parseInstant("2019-09-27T02:00:00Z");
    const c = parseInstant("2019-09-27T02:00:00.500000Z");
    expect(a?.us).toBe(b?.us);
    expect((c?.us ?? 0) - (b?.us ?? 0)).toBe(500_000);
    expect(parseInstant("2020-02-29T23:59+0800")).not.toBeNull();
  });
});
