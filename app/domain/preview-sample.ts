/** The sample unit of the indicator preview (试算): its modes and the form field names of a custom sample. */

export const SAMPLE_MODES = ["full", "half", "custom"] as const;
export type SampleMode = (typeof SAMPLE_MODES)[number];
export const SAMPLE_MODE_LABELS: Record<SampleMode, string> = { full: "全部满分", half: "约一半分值", custom: "自行填写" };

/** Form field names of the custom sample, per leaf (node id). */
export const customField = {
  value: (id: number) => `v.${id}`,
  na: (id: number) => `na.${id}`,
  fault: (id: number, i: number) => `f.${id}.${i}`,
  adhoc: (id: number) => `adhoc.${id}`,
  onTime: (id: number) => `ontime.${id}`,
  late: (id: number) => `late.${id}`,
  veto: (id: number) => `veto.${id}`,
};
