/**
 * The database handle for route modules: a `.server` module, so the browser bundle never pulls in
 * better-sqlite3 (routes import db/client only through here).
 */
export { getDb, getSqlite } from "../../db/client";
