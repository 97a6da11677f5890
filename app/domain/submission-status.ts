import type { Role } from "../../db/schema/accounts";
import type { SubmissionEventKind, SubmissionStatus } from "../../db/schema/submissions";

/**
 * The self-inspection (自查) workflow as data: which transitions exist, who may make them, what
 * must hold first and whether a comment is required. The service (app/services/submissions.server.ts)
 * looks a transition up here, checks its preconditions, and writes the event + audit row.
 */

export const SUBMISSION_STATUS_LABELS: Record<SubmissionStatus, string> = {
  draft: "草稿",
  submitted: "已提交",
  returned: "退回修改",
};

/** A unit that has not saved anything yet has no submission (or an empty draft). */
export const NOT_STARTED_LABEL = "未开始";

export type SubmissionAction = "submit" | "return" | "resubmit" | "reopen";

/**
 * Preconditions, checked in this order:
 * - `complete`: every leaf answered or N/A, and required evidence attached to every applicable leaf;
 * - `beforeDeadline`: before the end (Beijing time) of the due date, or of the unit's extension;
 * - `returnItems`: at least one indicator returned with a comment.
 */
export type SubmissionPrecondition = "complete" | "beforeDeadline" | "returnItems";

export interface SubmissionTransition {
  action: SubmissionAction;
  /** The event kind written to submission_events. */
  event: SubmissionEventKind;
  from: SubmissionStatus;
  to: SubmissionStatus;
  by: Role;
  label: string;
  preconditions: readonly SubmissionPrecondition[];
  /** A general comment is required (reopen: why). */
  commentRequired: boolean;
}

export const SUBMISSION_TRANSITIONS: readonly SubmissionTransition[] = [
  {
    action: "submit",
    event: "submit",
    from: "draft",
    to: "submitted",
    by: "department",
    label: "提交自查",
    preconditions: ["complete", "beforeDeadline"],
    commentRequired: false,
  },
  {
    action: "return",
    event: "return",
    from: "submitted",
    to: "returned",
    by: "office",
    label: "退回修改",
    preconditions: ["returnItems"],
    commentRequired: false,
  },
  {
    // The office asked for the revision, so the original deadline does not apply to resubmitting.
    action: "resubmit",
    event: "resubmit",
    from: "returned",
    to: "submitted",
    by: "department",
    label: "重新提交",
    preconditions: ["complete"],
    commentRequired: false,
  },
  {
    // E.g. a unit asks to withdraw a submission made by mistake. Evidence locked at submission
    // stays locked; submitting again is subject to the deadline (or an extension).
    action: "reopen",
    event: "reopen",
    from: "submitted",
    to: "draft",
    by: "office",
    label: "撤回为草稿",
    preconditions: [],
    commentRequired: true,
  },
];

export function findTransition(action: SubmissionAction, from: SubmissionStatus): SubmissionTransition | undefined {
  return SUBMISSION_TRANSITIONS.find((t) => t.action === action && t.from === from);
}

/** Transitions a role may make from a status (for showing buttons). */
export function availableTransitions(from: SubmissionStatus, role: Role): SubmissionTransition[] {
  return SUBMISSION_TRANSITIONS.filter((t) => t.from === from && t.by === role);
}

export const SUBMISSION_EVENT_LABELS: Record<SubmissionEventKind, string> = {
  submit: "提交自查",
  return: "退回修改",
  resubmit: "重新提交",
  extension: "批准延期",
  reopen: "撤回为草稿",
};

/**
 * Which leaves a department may change: all of them in a draft, only the returned ones (with an
 * open return item) when returned, none once submitted.
 */
export function leafEditable(status: SubmissionStatus | null, openReturnedNodeIds: ReadonlySet<number>, nodeId: number): boolean {
  if (status === null || status === "draft") return true;
  if (status === "returned") return openReturnedNodeIds.has(nodeId);
  return false;
}

/** Why a leaf cannot be changed, in Chinese (null when it can). */
export function lockReason(status: SubmissionStatus | null, openReturnedNodeIds: ReadonlySet<number>, nodeId: number): string | null {
  if (leafEditable(status, openReturnedNodeIds, nodeId)) return null;
  if (status === "submitted") return "自查已提交，填报内容和佐证材料已锁定，不能修改";
  return "该指标未被退回，不能修改；退回修改时只能修改被退回的指标";
}
