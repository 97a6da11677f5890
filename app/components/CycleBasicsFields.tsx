import { Field } from "./Field";

/**
 * A cycle's 考核名称 and 政务公开工作分值权重 inputs, shared by the new-cycle form and the cycle page's
 * 基本信息 form: same names, labels, limits and hints wherever a cycle's basics are typed.
 */
export function CycleBasicsFields(props: {
  title: string | undefined;
  weight: string;
  errors: Record<string, string | undefined>;
  /** Title is required once the cycle exists; when creating, an empty title takes the default. */
  titleRequired?: boolean;
  titleHint?: string;
  titleDisabled?: boolean;
  weightDisabled?: boolean;
}) {
  return (
    <>
      <Field
        name="title"
        label="考核名称"
        maxLength={100}
        defaultValue={props.title}
        error={props.errors.title}
        hint={props.titleHint}
        disabled={props.titleDisabled}
        required={props.titleRequired}
      />
      <Field
        name="opennessWeightPct"
        label="政务公开工作分值权重（%）"
        type="number"
        inputMode="decimal"
        step="0.5"
        min={4}
        max={100}
        defaultValue={props.weight}
        error={props.errors.opennessWeightPct}
        hint="占单位年度绩效考核总分的比重，政策要求不低于4%"
        disabled={props.weightDisabled}
        required
      />
    </>
  );
}
