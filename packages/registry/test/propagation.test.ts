// Propagation re-resolves only the consumers a change can reach, with shortcuts (providers that
// cannot rank inside the listed top are skipped; newcomers are merged into it). Whatever the
// order of registrations, departures and failures, every consumer's current resolution must
// equal a full resolution from scratch: that is what this suite checks.
import { afterEach, describe, expect, it } from "vitest";
import { generateTopology, pickDeletions } from "../../../test/interop/topology.js";
import { healthScan } from "../src/index.js";
import { cleanup, startRegistry, type TestRegistry } from "./fixtures.js";

let reg: TestRegistry;
afterEach(async () => {
  await reg.close();
  cleanup(reg.dir);
});

function expectCurrentEqualsFromScratch(r: TestRegistry): number {
  let checked = 0;
  for (const agent of r.core.agents()) {
    if (agent.status !== "healthy") continue;
    const fresh = r.core.freshResolution(agent.agent_id);
    expect({ id: agent.agent_id, resolution: r.core.resolutionOf(agent.agent_id) }).toEqual({
      id: agent.agent_id,
      resolution: fresh,
    });
    checked++;
  }
  return checked;
}

describe("propagation", () => {
  it.each([
    [1, 8],
    [2, 2],
    [3, 0],
  ])(
    "keeps every consumer exact through registrations, departures and failures (seed %i, %i alternatives)",
    async (seed, maxAlternatives) => {
      reg = await startRegistry({ config: { maxAlternatives } });
      const topology = generateTopology(seed, 160);
      for (const body of topology.agents) await reg.post(body);
      expect(expectCurrentEqualsFromScratch(reg)).toBeGreaterThan(100);

      // Leave gracefully, then come back with the same registration.
      const leaving = pickDeletions(topology, seed, 0.15);
      for (const id of leaving) await reg.del(id);
      expectCurrentEqualsFromScratch(reg);
      for (const body of topology.agents.filter((a) => leaving.includes(String(a.agent_id)))) await reg.post(body);
      expectCurrentEqualsFromScratch(reg);

      // A third of the mesh goes silent and is marked unhealthy by the health scan.
      const silent = new Set(topology.agents.filter((_, i) => i % 3 === 0).map((a) => String(a.agent_id)));
      reg.clock.now += 25_000;
      for (const body of topology.agents) if (!silent.has(String(body.agent_id))) await reg.head(String(body.agent_id));
      await healthScan(reg.core, reg.clock.now, 20_000);
      expectCurrentEqualsFromScratch(reg);
    },
  );
});
