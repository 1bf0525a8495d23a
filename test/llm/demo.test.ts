// `npm run demo:llm` as a user runs it with no vendor key and no local model server: examples/llm
// under meshctl start, against the clearly labelled scripted model. Maya's answer must show the
// emotion analysis (structured output from the "fast" provider) and a memory recalled through
// the memory agent's mesh tool by the "smart" provider's loop; Ctrl-C (SIGINT to the process
// group, as a terminal sends it) must leave no process behind.
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../interop/processes.js";
import { alive, killGroup, processTree, type Running, start, until, userEnv } from "../support/process-group.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WAIT_MS = 60_000;

/** Whether something accepts connections on 127.0.0.1:port (a local ollama would change the demo's model). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      resolve(true);
      socket.destroy();
    });
    socket.once("error", () => resolve(false));
  });
}

describe("npm run demo:llm offline", () => {
  let demo: Running | undefined;
  const tree: number[] = [];
  const home = mkdtempSync(join(tmpdir(), "mesh-demo-llm-"));
  afterAll(() => {
    killGroup(demo?.child.pid, "SIGKILL");
    for (const pid of tree) if (alive(pid)) process.kill(pid, "SIGKILL");
    rmSync(home, { recursive: true, force: true });
  });

  it(
    "Maya answers with the analysed emotion and a recalled memory, from the labelled scripted model; Ctrl-C leaves nothing",
    async () => {
      const registry = `http://127.0.0.1:${await freePort()}`;
      const env = userEnv(
        {
          MCP_MESH_REGISTRY_URL: registry,
          MCP_MESH_HOME: home,
          MCP_MESH_HTTP_PORT: "0",
          // Offline means offline: a model server on this machine is not the scripted model.
          ...((await listening(11434)) && { MAYA_LLM: "scripted" }),
        },
        { drop: /^MAYA_|^(ANTHROPIC_API_KEY|OPENAI_API_KEY)$/ },
      );
      demo = start("npm", ["run", "demo:llm"], ROOT, env);
      const { child, exited } = demo;
      const stdout = demo.stdout;
      const stderr = demo.stderr;
      const log = () => `--- stdout\n${stdout()}\n--- stderr\n${stderr()}`;

      const answer = await until(() => /^ *(Maya.*)$/m.exec(stdout())?.[1], WAIT_MS, "answer from Maya", log);
      expect(answer).toBe(
        "Maya (feeling nostalgic): [scripted model] Oh, I remember! We watched the storm from the lighthouse at Saint-Malo, and you lost your hat to the sea.",
      );
      expect(stdout()).toMatch(/the models are a SCRIPTED model \(canned answers, not an LLM/);
      await until(() => (/Ctrl-C stops it/.test(stderr()) ? true : undefined), WAIT_MS, "end of the lines to try", log);
      expect(stderr()).not.toMatch(/✗/);
      const agents = (await (await fetch(`${registry}/agents`)).json()) as { agents: Array<{ name: string }> };
      expect(agents.agents.map((a) => a.name).sort()).toEqual([
        "maya-avatar",
        "maya-emotion",
        "maya-llm",
        "maya-memory",
      ]);

      tree.push(...processTree(child.pid as number));
      expect(tree.length).toBeGreaterThanOrEqual(6); // npm, (sh), meshctl, four agents
      killGroup(child.pid, "SIGINT");
      await exited;
      await until(
        () => (tree.some(alive) ? undefined : true),
        WAIT_MS,
        "exit of every process",
        () => `alive: ${tree.filter(alive)}`,
      );
    },
    3 * WAIT_MS,
  );
});
