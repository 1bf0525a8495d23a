// Schema migrations, applied in order at start and recorded in schema_migrations. Types are
// kept to what SQLite and PostgreSQL share (TEXT, INTEGER/BIGINT, JSON as TEXT) so the
// PostgreSQL store can run the same list with `INTEGER` read as BIGINT.
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: "initial",
    sql: `
CREATE TABLE agents (
  agent_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  agent_type TEXT NOT NULL,
  runtime TEXT NOT NULL,
  version TEXT NOT NULL,
  description TEXT NOT NULL,
  http_host TEXT NOT NULL,
  http_port INTEGER NOT NULL,
  namespace TEXT NOT NULL,
  status TEXT NOT NULL,
  a2a_producer INTEGER NOT NULL,
  a2a_consumer INTEGER NOT NULL,
  entity_id TEXT NOT NULL,
  surfaces TEXT,
  total_dependencies INTEGER NOT NULL DEFAULT 0,
  dependencies_resolved INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_full_refresh BIGINT NOT NULL
);
CREATE INDEX agents_status_updated ON agents (status, updated_at);
CREATE TABLE capabilities (
  seq BIGINT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents (agent_id) ON DELETE CASCADE,
  function_name TEXT NOT NULL,
  capability TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX capabilities_agent ON capabilities (agent_id);
CREATE INDEX capabilities_capability ON capabilities (capability);
CREATE TABLE resolutions (
  agent_id TEXT PRIMARY KEY REFERENCES agents (agent_id) ON DELETE CASCADE,
  body TEXT NOT NULL
);
CREATE TABLE registry_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_type TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  agent_name TEXT NOT NULL,
  function_name TEXT NOT NULL,
  timestamp BIGINT NOT NULL,
  data TEXT
);
CREATE INDEX events_timestamp ON registry_events (timestamp);
CREATE INDEX events_type ON registry_events (event_type, id);
CREATE INDEX events_agent ON registry_events (agent_id, id);
CREATE TABLE schema_entries (
  hash TEXT PRIMARY KEY,
  canonical TEXT NOT NULL,
  runtime_origin TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
`,
  },
  {
    version: 2,
    name: "agent_owners",
    sql: `
CREATE TABLE agent_owners (
  agent_id TEXT PRIMARY KEY REFERENCES agents (agent_id) ON DELETE CASCADE,
  owner TEXT NOT NULL
);
`,
  },
];
