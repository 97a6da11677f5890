import { describe, expect, it } from "vitest";
import { daysBetween, extractDates } from "../../app/services/site-check/chinese-dates";

describe("dates on Chinese government pages", () => {
  const today = "2026-12-03";

  it("reads each full format", () => {
    expect(extractDates("发布时间：2026-11-20", today)).toEqual(["2026-11-20"]);
    expect(extractDates("2026年11月20日 来源：区政府办", today)).toEqual(["2026-11-20"]);
    expect(extractDates("2026年 1月 5日", today)).toEqual(["2026-01-05"]);
    expect(extractDates("[2026/11/20]", today)).toEqual(["2026-11-20"]);
    expect(extractDates("2026.3.7", today)).toEqual(["2026-03-07"]);
  });

  it("infers the year of a month and day: this year when the day has come, else last year", () => {
    expect(extractDates("11-20", today)).toEqual(["2026-11-20"]);
    expect(extractDates("12-03", today)).toEqual(["2026-12-03"]);
    expect(extractDates("12-04", today)).toEqual(["2025-12-04"]);
    expect(extractDates("12月31日", today)).toEqual(["2025-12-31"]);
    expect(extractDates("1/15", "2027-01-02")).toEqual(["2026-01-15"]);
  });

  it("lists several dates in page order and does not read a full date's month-day again", () => {
    expect(extractDates("留言 2026-05-01 回复 06-20 另见 2025年12月1日", today)).toEqual(["2026-05-01", "2026-06-20", "2025-12-01"]);
  });

  it("ignores what is not a calendar day", () => {
    expect(extractDates("2026-02-30 2026-13-01 电话 0571-86001234 第2026123号 13-45 2026年11月", today)).toEqual([]);
    expect(extractDates("02-29", "2028-03-01")).toEqual(["2028-02-29"]);
    expect(extractDates("02-29", "2027-03-01")).toEqual([]); // no 29 February in the year before
  });

  it("counts whole days", () => {
    expect(daysBetween("2026-11-20", "2026-12-03")).toBe(13);
    expect(daysBetween("2025-12-31", "2026-01-01")).toBe(1);
  });
});
