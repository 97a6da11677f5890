import { Field, SelectField } from "./Field";

export interface UnitFormValues {
  code?: string;
  name?: string;
  categoryId?: string;
  parentId?: string;
  active?: boolean;
}

interface Props {
  categories: { id: number; name: string }[];
  parents: { id: number; code: string; name: string; active: boolean }[];
  values: UnitFormValues;
  errors: Record<string, string | undefined>;
}

/** The fields shared by the create and edit unit forms. */
export function UnitFormFields({ categories, parents, values, errors }: Props) {
  return (
    <>
      <Field name="code" label="单位编码" maxLength={32} defaultValue={values.code} error={errors.code} hint="字母、数字、下划线或短横线，如 BM009；全系统唯一" required />
      <Field name="name" label="单位名称" maxLength={100} defaultValue={values.name} error={errors.name} required />
      <SelectField name="categoryId" label="单位类别" defaultValue={values.categoryId ?? ""} error={errors.categoryId}>
        <option value="">请选择</option>
        {categories.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </SelectField>
      <SelectField name="parentId" label="上级单位（可选）" defaultValue={values.parentId ?? ""} error={errors.parentId}>
        <option value="">无</option>
        {parents.map((p) => (
          <option key={p.id} value={p.id}>
            {p.code} {p.name}
            {p.active ? "" : "（已停用）"}
          </option>
        ))}
      </SelectField>
      <div className="field">
        <label>
          <input type="checkbox" name="active" defaultChecked={values.active ?? true} /> 启用（停用的单位保留历史数据，但不再参加新的考核）
        </label>
      </div>
    </>
  );
}
