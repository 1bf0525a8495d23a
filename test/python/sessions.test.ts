// Session affinity across a replica set of reference Python providers (mcp-mesh 3.7.1, real
// processes, each keeping a turn count per session in memory) for our TypeScript consumer: each
// session's calls reach one Python replica (turns 1, 2, 3, ... there), sessions spread, the
// `session_id` argument reaches Python, and a stopped replica's sessions move (turn 1 again on
// their new replica: the state stayed behind) while the others keep theirs.
import { type MeshAgent, mesh, type SessionMove } from "@mcp-mesh/sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { missingOurs, startOurRegistry } from "../interop/ours.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import type { RegistryProcess } from "../interop/processes.js";
import { missingPython, type PythonAgent, startPythonAgent } from "./python-env.js";

const TEST_MS = 180_000;

describeWithPrerequisites(
  "a Python replica set keeps session affinity for our consumer",
  [...missingPython(), ...missingOurs()],
  () => {
    let registry: RegistryProcess;
    let consumer: MeshAgent;
    const replicas: PythonAgent[] = [];
    const moves: SessionMove[] = [];

    beforeAll(async () => {
      registry = await startOurRegistry();
      for (const name of ["py-sess-a", "py-sess-b", "py-sess-c"])
        replicas.push(await startPythonAgent("py_session_provider.py", { registryUrl: registry.url, name }));
      consumer = mesh.agent({
        name: "ts-session-consumer",
        httpPort: 0,
        httpHost: "127.0.0.1",
        bindHost: "127.0.0.1",
        registryUrl: registry.url,
        heartbeatInterval: 1,
        autoRun: false,
        handleSignals: false,
        logLevel: "silent",
        env: {},
      });
      consumer.tool({
        name: "turn",
        input: { session_id: z.string() },
        dependencies: {
          py: {
            capability: "py_session_turn",
            session: true,
            timeout: 10_000,
            onSessionMoved: (m: SessionMove) => moves.push(m),
          },
        },
        handler: async ({ session_id }, { py }) => (py ? py({ session_id }) : "unwired"),
      });
      await consumer.start();
    }, TEST_MS);

    afterAll(async () => {
      await consumer?.stop();
      await Promise.allSettled(replicas.map((r) => r.stop()));
      await registry?.stop();
    }, 60_000);

    const turn = async (sid: string) => {
      const text = String(await consumer.callLocal("turn", { session_id: sid }));
      const [replica, n] = text.split(":");
      return { replica: replica as string, n: Number(n) };
    };

    it(
      "one replica per session, spread, state per session; a stopped replica's sessions move",
      async () => {
        // Wait until the consumer is wired to all three replicas.
        const deadline = Date.now() + 60_000;
        const seen = new Set<string>();
        for (let i = 0; seen.size < 3; i++) {
          if (Date.now() > deadline) throw new Error(`wired to ${[...seen]} only`);
          seen.add((await turn(`warm-${i}`)).replica);
          if (i % 10 === 9) await new Promise((r) => setTimeout(r, 500));
        }
        const sessions = Array.from({ length: 24 }, (_, i) => `py-s-${i}`);
        const home = new Map<string, string>();
        for (let t = 1; t <= 4; t++)
          for (const sid of sessions) {
            const { replica, n } = await turn(sid);
            expect(n, `turn of ${sid}`).toBe(t); // the same Python replica saw every call of it
            if (t === 1) home.set(sid, replica);
            else expect(replica, `replica of ${sid}`).toBe(home.get(sid));
          }
        expect(new Set(home.values()).size).toBeGreaterThanOrEqual(2);

        const gone = replicas[0] as PythonAgent;
        await gone.stop();
        for (const sid of sessions) {
          const { replica, n } = await turn(sid);
          if (home.get(sid) === gone.name) {
            expect(replica).not.toBe(gone.name);
            expect(n).toBe(1); // a fresh replica: the state was on the stopped one
          } else {
            expect(replica).toBe(home.get(sid));
            expect(n).toBe(5);
          }
        }
        const movedHome = sessions.filter((s) => home.get(s) === gone.name);
        expect(moves.filter((m) => movedHome.includes(m.sessionId)).length).toBe(movedHome.length);
      },
      TEST_MS,
    );
  },
);
