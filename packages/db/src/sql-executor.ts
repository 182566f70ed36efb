/** Per-statement options of SqlExecutor.query. */
export interface QueryOptions {
  /**
   * A statement run on every job whose text comes from a small fixed set (its values are parameters):
   * PostgreSQL parses and plans it once per connection, as a named prepared statement named by the
   * text's hash, instead of on every call (bench/gateway: half of PostgreSQL's CPU per accepted job).
   * Never for texts built around literal values: each distinct text stays prepared on every connection.
   */
  prepare?: boolean;
}

/** The smallest surface the migration runner and test helpers need from a database connection. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Row[]>;
  /** Runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
