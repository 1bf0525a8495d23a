// A reference Python agent (PyPI mcp-mesh 3.7.1) in a mesh over mTLS with ours: our registry in
// strict mode, the Python agent with MCP_MESH_TLS_MODE=strict and a certificate from
// `meshctl certs`, our greeter (a TypeScript agent with its own certificate) depending on the
// Python agent's date_service. The registry lists the Python agent as https:// with its entity
// id, meshctl calls it through /proxy (the registry shows its certificate), and our agent calls
// it directly over mTLS. Under CI=true a missing venv is a failure, never a skip.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { baseEnv, fixture, meshctl, show, startForeground, waitFor } from "../../packages/cli/test/meshctl-process.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import { REPO_ROOT } from "../interop/reference.js";
import { type AuthRegistry, startAuthRegistry } from "../security/registry-process.js";
import { missingPython, type PythonAgent, startPythonAgent } from "./python-env.js";

describeWithPrerequisites("a Python agent over mTLS with our registry and agents", missingPython(), () => {
  let dir: string;
  let certs: string;
  let reg: AuthRegistry;
  let python: PythonAgent;
  let greeter: Awaited<ReturnType<typeof startForeground>>;
  let client: Agent;
  const tls = (name: string) => ({
    MCP_MESH_TLS_MODE: "strict",
    MCP_MESH_TLS_CA: join(certs, "ca.pem"),
    MCP_MESH_TLS_CERT: join(certs, `${name}.pem`),
    MCP_MESH_TLS_KEY: join(certs, `${name}-key.pem`),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mesh-python-tls-"));
    certs = join(dir, "certs");
    const made = await meshctl(["certs", "python-clock", "greeter", "--dir", certs], baseEnv(dir));
    expect(made.code, show(made)).toBe(0);
    const ca = readFileSync(join(certs, "ca.pem"));
    reg = await startAuthRegistry(join(dir, "reg.db"), tls("registry"), { ca });
    client = new Agent({
      connect: {
        ca,
        cert: readFileSync(join(certs, "meshctl.pem")),
        key: readFileSync(join(certs, "meshctl-key.pem")),
      },
    });
    python = await startPythonAgent(join(REPO_ROOT, "examples", "python", "clock_agent.py"), {
      registryUrl: reg.url,
      name: "python-clock",
      env: tls("python-clock"),
      tls: client,
    });
    greeter = await startForeground(
      [fixture("greeter.ts")],
      baseEnv(dir, { ...tls("greeter"), MCP_MESH_REGISTRY_URL: reg.url }),
    );
  }, 180_000);

  afterAll(async () => {
    await greeter?.stop();
    await python?.stop();
    await reg?.stop();
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers as https:// with its certificate's CN as entity id", async () => {
    const res = await client.request({ origin: reg.url, path: "/agents", method: "GET" });
    const body = (await res.body.json()) as { agents: Array<{ name: string; endpoint: string; entity_id?: string }> };
    const py = body.agents.find((a) => a.name === "python-clock");
    expect(py?.endpoint).toBe(python.url);
    expect(py?.endpoint).toMatch(/^https:/);
    expect(py?.entity_id).toBe("python-clock");
  });

  it("meshctl calls it through /proxy, and our agent calls it over mTLS", async () => {
    const env = baseEnv(dir, { ...tls("meshctl"), MCP_MESH_REGISTRY_URL: reg.url });
    const direct = await meshctl(["call", "get_python_time", '{"tz":"UTC"}', "--raw"], env);
    expect(direct.code, show(direct)).toBe(0);
    expect(direct.stdout).toContain("(from Python)");
    const chained = await waitFor(
      async () => {
        const r = await meshctl(["call", "greet", '{"who":"py"}', "--raw"], env);
        return r.code === 0 && r.stdout.includes("(from Python)") ? r : undefined;
      },
      45_000,
      "greet wired to the Python date_service",
    );
    expect(chained.stdout).toContain("Hello py");
  }, 120_000);
});
