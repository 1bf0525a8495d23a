// Names shared by the PostgreSQL store's parts: advisory lock keys and the NOTIFY channel.

/** Arbitrary, fixed keys of the advisory locks this store takes (pg_advisory_lock(bigint)). */
export const LOCKS = { migrate: 7_413_001, leader: 7_413_002, changes: 7_413_003 } as const;

/** The channel NOTIFY announces committed changes on; the payload is the change's seq. */
export const CHANNEL = "mcp_mesh_changes";
