import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { calendarCoverage } from "../../app/domain/calendar-coverage";
import { defaultCalendar, officialArrangement } from "../../app/services/holiday-arrangements.server";

// The platform prefills a cycle's working-day calendar from the `chinese-days` package. The
// arrangements of 2023–2026 were typed by hand from the State Council's notices before; the package
// must agree with them on every day.
const typed = JSON.parse(readFileSync(new URL("../fixtures/calendar/cn-holidays-2023-2026.json", import.meta.url), "utf8")) as Record<
  string,
  { holidays: string[]; workdays: string[] }
>;

describe("official holiday arrangements", () => {
  for (const year of [2023, 2024, 2025, 2026]) {
    it(`agrees with the State Council's ${year} notice on every holiday and worked weekend day`, () => {
      expect(officialArrangement(year)).toEqual({ holidays: [...typed[String(year)].holidays].sort(), workdays: [...typed[String(year)].workdays].sort() });
    });
  }

  it("knows no arrangement for a year not yet published, and prefills nothing for it", () => {
    expect(officialArrangement(2040)).toBeNull();
    expect(defaultCalendar(2040)).toEqual({ holidays: [], workdays: [] });
    // A cycle's calendar holds its own year and the next (deadlines run into January).
    const c2025 = defaultCalendar(2025);
    expect(c2025.holidays).toContain("2025-10-08");
    expect(c2025.holidays).toContain("2026-02-23");
    expect(c2025.workdays).toContain("2026-01-04");
  });

  it("reports a missing year, a confirmed empty year and a missing next year", () => {
    expect(calendarCoverage({ holidays: [], workdays: [] }, 2040)).toEqual({ yearMissing: true, emptyConfirmed: false, nextYearMissing: true });
    expect(calendarCoverage({ holidays: [], workdays: [], emptyConfirmed: true }, 2040)).toEqual({ yearMissing: false, emptyConfirmed: true, nextYearMissing: true });
    expect(calendarCoverage({ holidays: ["2040-10-01"], workdays: [], emptyConfirmed: true }, 2040)).toEqual({ yearMissing: false, emptyConfirmed: false, nextYearMissing: true });
    expect(calendarCoverage(defaultCalendar(2025), 2025)).toEqual({ yearMissing: false, emptyConfirmed: false, nextYearMissing: false });
  });
});
