import type { Role } from "../../db/schema/accounts";
import type { ExtensionRequestStatus } from "../../db/schema/submissions";

/**
 * The extension request (申请延期) workflow as data: a department asks for a later self-inspection
 * deadline; the office grants it with a date or refuses it with a reason. The service
 * (app/services/extension-requests.server.ts) looks a transition up here, checks its preconditions
 * in order, and writes the change, its audit row (`extension_request.<action>`) and the
 * notifications in one transaction.
 */

export const EXTENSION_REQUEST_STATUS_LABELS: Record<
  ExtensionRequestStatus,
  string
> = {
  pending: "待审批",
  granted: "已批准",
  refused: "未批准",
};

export type ExtensionRequestAction = "request" | "grant" | "refuse";

/**
 * - `selfInspectionOpen`: the cycle allows self-inspection (cycle-capabilities: selfInspect);
 * - `notSubmitted`: the unit has not submitted (a returned unit resubmits whatever the date, so it
 *   needs no extension either: only draft or not started);
 * - `noOpenRequest`: the unit has no request waiting for a decision;
 * - `dateAfterDeadline`: the date is after the unit's current deadline and not before today.
 */
export type ExtensionRequestPrecondition =
  | "selfInspectionOpen"
  | "notSubmitted"
  | "noOpenRequest"
  | "dateAfterDeadline";

export interface ExtensionRequestTransition {
  action: ExtensionRequestAction;
  /** null: a new request. */
  from: ExtensionRequestStatus | null;
  to: ExtensionRequestStatus;
  by: Role;
  label: string;
  preconditions: readonly ExtensionRequestPrecondition[];
  /** A date is required (the date wanted, or granted). */
  dateRequired: boolean;
  /** A reason or comment is required. */
  commentRequired: boolean;
}

export const EXTENSION_REQUEST_TRANSITIONS: readonly ExtensionRequestTransition[] =
  [
    {
      action: "request",
      from: null,
      to: "pending",
      by: "department",
      label: "申请延期",
      preconditions: [
        "selfInspectionOpen",
        "notSubmitted",
        "noOpenRequest",
        "dateAfterDeadline",
      ],
      dateRequired: true,
      commentRequired: true,
    },
    {
      action: "grant",
      from: "pending",
      to: "granted",
      by: "office",
      label: "批准延期",
      preconditions: [
        "selfInspectionOpen",
        "notSubmitted",
        "dateAfterDeadline",
      ],
      dateRequired: true,
      commentRequired: false,
    },
    {
      action: "refuse",
      from: "pending",
      to: "refused",
      by: "office",
      label: "不予批准",
      preconditions: [],
      dateRequired: false,
      commentRequired: true,
    },
  ];

export function findExtensionTransition(
  action: ExtensionRequestAction,
  from: ExtensionRequestStatus | null
): ExtensionRequestTransition | undefined {
  return EXTENSION_REQUEST_TRANSITIONS.find(
    (t) => t.action === action && t.from === from
  );
}
