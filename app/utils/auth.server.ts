import { redirect } from "@remix-run/node";
import type { Role } from "../../db/schema";
import type { Actor } from "./audit.server";
import { forbidden } from "./http.server";
import { preparedStatement } from "./prepared-statement.server";
import { readSessionId, touchSession } from "./session.server";

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  unitId: number | null;
  unitName: string | null;
  orgId: number | null;
  orgName: string | null;
  sessionId: string;
}

export const ROLE_LABELS: Record<Role, string> = {
  office: "政务公开办管理员",
  department: "部门填报员",
  evaluator: "评估员",
  leader: "领导",
};

export async function getUser(request: Request): Promise<SessionUser | null> {
  const sessionId = await readSessionId(request);
  if (!sessionId) return null;
  const session = touchSession(sessionId);
  if (!session) return null;
  const row = preparedStatement(
    `SELECT u.id, u.username, u.display_name AS displayName, u.role, u.unit_id AS unitId, un.name AS unitName,
            u.org_id AS orgId, o.name AS orgName, u.active
     FROM users u LEFT JOIN units un ON un.id = u.unit_id LEFT JOIN organizations o ON o.id = u.org_id
     WHERE u.id = ?`,
  ).get(session.userId) as (Omit<SessionUser, "sessionId"> & { active: number }) | undefined;
  if (!row || !row.active) return null;
  const { active: _active, ...user } = row;
  return { ...user, sessionId };
}

/** The signed-in user, or a redirect to /login that comes back here afterwards. */
export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
  }
  return user;
}

export async function requireRole(request: Request, ...roles: Role[]): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!roles.includes(user.role)) throw forbidden();
  return user;
}

/**
 * Extra unit-access rules contributed by later modules (e.g. evaluators may read the units they are
 * assigned to). Each returns true to allow.
 */
type UnitAccessRule = (user: SessionUser, unitId: number, mode: "read" | "write") => boolean;
const extraRules: UnitAccessRule[] = [];
export function registerUnitAccessRule(rule: UnitAccessRule): void {
  extraRules.push(rule);
}

export function canAccessUnit(user: SessionUser, unitId: number, mode: "read" | "write"): boolean {
  switch (user.role) {
    case "office":
      return true;
    case "leader":
      return mode === "read";
    case "department":
      return user.unitId === unitId;
    case "evaluator":
      return extraRules.some((rule) => rule(user, unitId, mode));
  }
}

/** Throws 403 unless the user may read (or write) this unit's data. */
export function assertUnitAccess(user: SessionUser, unitId: number, mode: "read" | "write" = "read"): void {
  if (!canAccessUnit(user, unitId, mode)) throw forbidden("您无权访问其他单位的数据。");
}

export async function requireUnitAccess(request: Request, unitId: number, mode: "read" | "write" = "read"): Promise<SessionUser> {
  const user = await requireUser(request);
  assertUnitAccess(user, unitId, mode);
  return user;
}

export function actorOf(user: Pick<SessionUser, "id" | "displayName" | "username">): Actor {
  return { id: user.id, name: `${user.displayName}（${user.username}）` };
}

export function clientIp(request: Request, context?: { clientIp?: string }): string {
  // Only the server's view of the peer counts; a client-sent X-Forwarded-For is never trusted here.
  void request;
  return context?.clientIp || "unknown";
}
