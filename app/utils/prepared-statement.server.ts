import type Database from "better-sqlite3";

/**
 * SQL statements compiled once per database connection, for the few reads every page request makes
 * (session, user, cycle list): building a drizzle query and compiling it each time costs more than
 * running it. Keyed by connection, so a reopened database (tests, another DATA_DIR) compiles anew.
 */
const byConnection = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function preparedStatement(sqlite: Database.Database, sql: string): Database.Statement {
  let statements = byConnection.get(sqlite);
  if (!statements) byConnection.set(sqlite, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = sqlite.prepare(sql)));
  return statement;
}
