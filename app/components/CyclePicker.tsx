import { Form } from "@remix-run/react";

export interface CycleChoice {
  id: number;
  year: number;
}

/**
 * The 考核年度 switcher of the per-year pages: a GET form setting `?cycle=` (the year, or the cycle
 * id where the page takes ids). Nothing to switch with a single year.
 */
export function CyclePicker({ cycles, current, by = "year" }: { cycles: CycleChoice[]; current: CycleChoice; by?: "year" | "id" }) {
  if (cycles.length <= 1) return null;
  const value = (c: CycleChoice) => (by === "id" ? c.id : c.year);
  return (
    <Form method="get" className="inline-form no-print">
      <label htmlFor="cycle">考核年度</label>
      <select id="cycle" name="cycle" defaultValue={value(current)}>
        {cycles.map((c) => (
          <option key={c.id} value={value(c)}>
            {c.year}年度
          </option>
        ))}
      </select>
      <button type="submit" className="secondary">
        切换
      </button>
    </Form>
  );
}
