// A reference Python agent (PyPI mcp-mesh 3.7.1) against our registry: with auth off it
// registers and is called through the registry's /proxy as meshctl does; with a token on the
// registry it is refused with a 401 it logs, with our message naming MCP_MESH_REGISTRY_TOKEN,
// and it stays out of the mesh. The 3.7.1 runtime has no registry token setting (its Rust core
// sends no Authorization on heartbeats), so giving it MCP_MESH_REGISTRY_TOKEN changes nothing:
// what a user sees is exactly that log line, retried with a growing backoff.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import { freePort } from "../interop/processes.js";
import { callMcpTool } from "../python/mcp-call.js";
import { missingPython, type PythonAgent, pythonEnv, startPythonAgent, VENV_PYTHON } from "../python/python-env.js";
import { type LoggedProcess, startLogged, until } from "./logged-process.js";
import { type AuthRegistry, startAuthRegistry } from "./registry-process.js";

const PROVIDER = new URL("../python/agents/py_provider.py", import.meta.url).pathname;
const TOKEN = "python-under-auth-0123456789";
const dir = mkdtempSync(join(tmpdir(), "mesh-python-auth-"));
const registries: AuthRegistry[] = [];
const pythons: PythonAgent[] = [];
const logged: LoggedProcess[] = [];

afterAll(async () => {
  await Promise.allSettled([...pythons, ...logged].map((p) => p.stop()));
  for (const r of registries) await r.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function registry(name: string, env: Record<string, string>): Promise<AuthRegistry> {
  const r = await startAuthRegistry(join(dir, `${name}.db`), env);
  registries.push(r);
  return r;
}

describeWithPrerequisites(
  "reference Python agents against our registry with and without tokens",
  missingPython(),
  () => {
    it("registers and answers through /proxy when auth is off", async () => {
      const r = await registry("open", {});
      const py = await startPythonAgent(PROVIDER, { registryUrl: r.url, name: "py-provider" });
      pythons.push(py);
      const result = await callMcpTool(`${r.url}/proxy/127.0.0.1:${py.port}`, "py_string", { name: "Ada" });
      expect(JSON.stringify(result)).toContain("hello Ada from python");
    }, 120_000);

    it("is refused with a 401 it logs, naming MCP_MESH_REGISTRY_TOKEN, and stays out of the mesh", async () => {
      const r = await registry("closed", { MCP_MESH_REGISTRY_TOKEN: TOKEN });
      const port = await freePort();
      const home = mkdtempSync(join(dir, "home-"));
      // Given the token too: the 3.7.1 runtime does not send it.
      const env = pythonEnv(r.url, "py-closed", port, home, { MCP_MESH_REGISTRY_TOKEN: TOKEN });
      const py = startLogged([PROVIDER], env as Record<string, string>, join(dir, "py-closed.log"), VENV_PYTHON);
      logged.push(py);
      const line = await until(
        async () => /Agent registration failed: Registry returned error: 401 - (.*)/.exec(py.log())?.[1],
        90_000,
        "the Python agent's registration failure",
      );
      expect(line).toContain("this registry requires a token: set MCP_MESH_REGISTRY_TOKEN");
      const listed = await fetch(`${r.url}/agents`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const agents = ((await listed.json()) as { agents: { name: string }[] | null }).agents ?? [];
      expect(agents.map((a) => a.name)).toEqual([]);
      // The agent keeps running (a plain MCP server) and keeps trying: no crash, no exit.
      await until(
        async () => (py.log().match(/Agent registration failed/g)?.length ?? 0) >= 2 || undefined,
        60_000,
        "a retry",
      );
      expect(py.log()).not.toMatch(/Traceback/);
    }, 180_000);
  },
);
