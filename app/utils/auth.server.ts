import { redirect } from "@remix-run/node";
import type { Role } from "../../db/schema";
import type { Actor } from "./audit.server";
import type { Db, Tx } from "../../db/client";
import { can, may, accessRefusal, type Action, type Resource, type ResourceKind } from "../policy.server";
import { forbidden } from "./http.server";
import { preparedStatement } from "./prepared-statement.server";
import { getSqlite } from "./db.server";
import { readSessionId, touchSession } from "./session.server";

type Reader = Db | Tx;

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
    getSqlite(),
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

/**
 * The signed-in user, if their role may act so (any of `actions`) on the kind at all (403 otherwise;
 * the object itself is checked with `assertCan`).
 */
export async function requireAccess(request: Request, actions: Action | readonly Action[], kind: ResourceKind): Promise<SessionUser> {
  const user = await requireUser(request);
  const any = typeof actions === "string" ? [actions] : actions;
  if (!any.some((action) => may(user, action, kind))) throw forbidden(accessRefusal(kind));
  return user;
}

/** Throws 403 unless the user may act so on this object (`message` says why, in Chinese). */
export function assertCan(db: Reader, user: SessionUser, action: Action, resource: Resource, message = accessRefusal(resource.kind)): void {
  if (!can(db, user, action, resource)) throw forbidden(message);
}

export function actorOf(user: Pick<SessionUser, "id" | "displayName" | "username">): Actor {
  return { id: user.id, name: `${user.displayName}（${user.username}）` };
}

export function clientIp(request: Request, context?: { clientIp?: string }): string {
  // Only the server's view of the peer counts; a client-sent X-Forwarded-For is never trusted here.
  void request;
  return context?.clientIp || "unknown";
}
