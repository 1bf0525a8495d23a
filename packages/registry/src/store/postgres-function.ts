// mesh_write(batches json, origin text, at bigint): a group of write batches in one round
// trip. The registry's change lane waits for each write before computing the next change, so
// round trips per write bound its rate; this function does in the server what would otherwise
// be a dozen statements (BEGIN, one per table, the feed row, NOTIFY, COMMIT), atomically.
// Statuses return real transitions only: a health event for an agent another replica already
// marked is dropped, so no health event is written twice. A group that changed agents records
// one mesh_changes row and NOTIFYs its seq under a transaction lock, so seqs commit in order.
import { CHANNEL, LOCKS } from "./postgres-locks.js";

const AGENT_COLUMNS = `agent_id text, name text, agent_type text, runtime text, version text, description text,
  http_host text, http_port bigint, namespace text, status text, a2a_producer bigint, a2a_consumer bigint,
  entity_id text, surfaces text, created_at bigint, updated_at bigint, last_full_refresh bigint`;
const AGENT_NAMES = AGENT_COLUMNS.split(",").map((c) => c.trim().split(" ")[0] as string);
const AGENT_UPDATES = AGENT_NAMES.filter((c) => c !== "agent_id" && c !== "created_at")
  .map((c) => `${c} = excluded.${c}`)
  .join(", ");

export const MESH_WRITE_SQL = `
CREATE OR REPLACE FUNCTION mesh_write(p_batches json, p_origin text, p_at bigint) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  b json;
  v_changed text[] := '{}';
  v_told text[] := '{}';
  v_moved text[];
  v_refused text[];
  v_seq bigint;
BEGIN
  FOR b IN SELECT value FROM json_array_elements(p_batches) LOOP
    v_refused := '{}';
    IF b->'agents' IS NOT NULL THEN
      INSERT INTO agents (${AGENT_NAMES.join(", ")})
        SELECT ${AGENT_NAMES.join(", ")} FROM json_to_recordset(b->'agents') AS t(${AGENT_COLUMNS})
        ON CONFLICT (agent_id) DO UPDATE SET ${AGENT_UPDATES};
      DELETE FROM capabilities WHERE agent_id IN (SELECT json_array_elements_text(b->'agent_ids'));
      INSERT INTO capabilities (seq, agent_id, function_name, capability, body)
        SELECT t.seq, t.agent_id, t.function_name, t.capability, t.body
        FROM json_to_recordset(b->'tools') AS t(seq bigint, agent_id text, function_name text, capability text, body text);
      v_changed := v_changed || ARRAY(SELECT json_array_elements_text(b->'agent_ids'));
    END IF;
    IF b->'touches' IS NOT NULL THEN
      UPDATE agents a SET updated_at = t.updated_at
        FROM json_to_recordset(b->'touches') AS t(agent_id text, updated_at bigint)
        WHERE a.agent_id = t.agent_id AND a.updated_at < t.updated_at;
    END IF;
    IF b->'statuses' IS NOT NULL THEN
      WITH moved AS (
        UPDATE agents a SET status = t.status FROM json_to_recordset(b->'statuses') AS t(agent_id text, status text)
        WHERE a.agent_id = t.agent_id AND a.status <> t.status RETURNING a.agent_id)
      SELECT coalesce(array_agg(moved.agent_id), '{}') INTO v_moved FROM moved;
      v_refused := ARRAY(SELECT t.agent_id FROM json_to_recordset(b->'statuses') AS t(agent_id text, status text)
        WHERE NOT (t.agent_id = ANY (v_moved)));
      v_changed := v_changed || v_moved;
    END IF;
    IF b->'resolutions' IS NOT NULL THEN
      INSERT INTO resolutions (agent_id, body)
        SELECT t.agent_id, t.body FROM json_to_recordset(b->'resolutions') AS t(agent_id text, body text)
        WHERE EXISTS (SELECT 1 FROM agents a WHERE a.agent_id = t.agent_id)
        ON CONFLICT (agent_id) DO UPDATE SET body = excluded.body;
      v_told := v_told || ARRAY(SELECT t.agent_id FROM json_to_recordset(b->'resolutions') AS t(agent_id text, body text));
    END IF;
    IF b->'counters' IS NOT NULL THEN
      UPDATE agents a SET total_dependencies = t.total, dependencies_resolved = t.resolved
        FROM json_to_recordset(b->'counters') AS t(agent_id text, total bigint, resolved bigint)
        WHERE a.agent_id = t.agent_id;
    END IF;
    IF b->'events' IS NOT NULL THEN
      INSERT INTO registry_events (event_type, agent_id, agent_name, function_name, timestamp, data)
        SELECT t.event_type, t.agent_id, t.agent_name, t.function_name, t.timestamp, t.data
        FROM json_to_recordset(b->'events') AS t(ord bigint, event_type text, agent_id text, agent_name text,
          function_name text, timestamp bigint, data text)
        WHERE NOT (t.event_type IN ('unhealthy', 'unregister') AND t.agent_id = ANY (v_refused))
        ORDER BY t.ord;
    END IF;
    IF b->'schemas' IS NOT NULL THEN
      INSERT INTO schema_entries (hash, canonical, runtime_origin, created_at)
        SELECT t.hash, t.canonical, t.runtime_origin, t.created_at
        FROM json_to_recordset(b->'schemas') AS t(hash text, canonical text, runtime_origin text, created_at bigint)
        ON CONFLICT (hash) DO NOTHING;
    END IF;
    IF b->'deletes' IS NOT NULL THEN
      DELETE FROM registry_events WHERE agent_id IN (SELECT json_array_elements_text(b->'deletes'));
      DELETE FROM agents WHERE agent_id IN (SELECT json_array_elements_text(b->'deletes'));
      v_changed := v_changed || ARRAY(SELECT json_array_elements_text(b->'deletes'));
    END IF;
  END LOOP;
  IF cardinality(v_changed) > 0 OR cardinality(v_told) > 0 THEN
    PERFORM pg_advisory_xact_lock(${LOCKS.changes});
    INSERT INTO mesh_changes (origin, agents, told, at)
      VALUES (p_origin, to_json(ARRAY(SELECT DISTINCT unnest(v_changed)))::text,
              to_json(ARRAY(SELECT DISTINCT unnest(v_told)))::text, p_at)
      RETURNING seq INTO v_seq;
    PERFORM pg_notify('${CHANNEL}', v_seq::text);
  END IF;
END
$fn$;
`;
