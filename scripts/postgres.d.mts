export interface PostgresServer {
  /** The server's `postgres` database; createDatabase() gives a suite its own. */
  url: string;
  port: number;
  /** Undefined for a PostgreSQL that was already running (never stopped here). */
  pid: number | undefined;
  stop(): Promise<void>;
  /** Removes the data directory of a server started here (after stop). */
  destroy(): Promise<void>;
}
export interface OwnPostgresServer extends PostgresServer {
  /** Brings a stopped server back on the same port and data directory. */
  start(): Promise<void>;
}
export function listens(port: number, host?: string): Promise<boolean>;
export function postgresBinDir(): string | undefined;
export function startOwnPostgres(): Promise<OwnPostgresServer | undefined>;
export function usePostgres(): Promise<PostgresServer | undefined>;
export function createDatabase(serverUrl: string, prefix?: string): Promise<string>;
export function dropDatabase(serverUrl: string, databaseUrl: string): Promise<void>;
