import { SelectField } from "./Field";

export interface UserBindingValues {
  role?: string;
  unitId?: string;
  orgId?: string;
}

export interface UserBindingOptions {
  roles: { value: string; label: string }[];
  units: { id: number; code: string; name: string; active: boolean }[];
  orgs: { id: number; name: string; active: boolean }[];
}

/** Role, unit and organisation: the part of a user that the role rules judge together. */
export function UserBindingFields({
  prefix,
  options,
  values,
  errors,
}: {
  prefix: string;
  options: UserBindingOptions;
  values: UserBindingValues;
  errors: Record<string, string | undefined>;
}) {
  return (
    <>
      <SelectField id={`${prefix}-role`} name="role" label="角色" defaultValue={values.role ?? ""} error={errors.role}>
        <option value="">请选择</option>
        {options.roles.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </SelectField>
      <SelectField
        id={`${prefix}-unitId`}
        name="unitId"
        label="所属单位"
        defaultValue={values.unitId ?? ""}
        error={errors.unitId}
        hint="部门填报员必选（一个已启用的单位）；评估员可选，表示与该单位存在利益关联需回避；其他角色选“无”。"
      >
        <option value="">无</option>
        {options.units.map((u) => (
          <option key={u.id} value={u.id}>
            {u.code} {u.name}
            {u.active ? "" : "（已停用）"}
          </option>
        ))}
      </SelectField>
      <SelectField id={`${prefix}-orgId`} name="orgId" label="评估机构" defaultValue={values.orgId ?? ""} error={errors.orgId} hint="评估员必选；其他角色选“无”。">
        <option value="">无</option>
        {options.orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
            {o.active ? "" : "（已停用）"}
          </option>
        ))}
      </SelectField>
    </>
  );
}
