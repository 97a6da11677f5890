/** The 单位类别 filter of the results pages' GET toolbars (`?category=`; empty = every category). */
export function CategoryFilter({ categories, current }: { categories: readonly string[]; current: string | null }) {
  return (
    <label className="field">
      单位类别
      <select name="category" defaultValue={current ?? ""}>
        <option value="">全部类别</option>
        {categories.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
    </label>
  );
}
