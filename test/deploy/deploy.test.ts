// The deployment files validate without a container engine or a cluster (scripts/check-deploy.mjs):
// Dockerfiles, the compose file, the Helm chart rendered with each values file, every manifest
// (kubeconform against the Kubernetes JSON schemas, and strict decoding into the API types).
// A broken copy of deploy/ shows each check can fail and names what is wrong. The checkers are Go
// programs built into .cache/go-bin; without Go the suite is skipped, except under CI=true,
// where a missing tool is a failure.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDeploy } from "../../scripts/check-deploy.mjs";
import { fetchDeployTools, haveGo } from "../../scripts/fetch-deploy-tools.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const runnable = haveGo() || process.env.CI === "true";

describe.skipIf(!runnable)("deploy/ validation", () => {
  let broken: string;

  beforeAll(() => {
    // The first build of helm takes minutes; later runs only check the cached binaries.
    fetchDeployTools();
    broken = mkdtempSync(join(tmpdir(), "mesh-deploy-"));
    cpSync(join(ROOT, "deploy"), broken, { recursive: true });
  }, 900_000);

  afterAll(() => {
    if (broken) rmSync(broken, { recursive: true, force: true });
  });

  it("accepts the repository's Dockerfiles, compose file, manifests and chart", () => {
    expect(checkDeploy()).toEqual([]);
  }, 120_000);

  it("names each defect of a broken copy", () => {
    const edit = (file: string, from: string | RegExp, to: string) => {
      const path = join(broken, file);
      const text = readFileSync(path, "utf8");
      const next = text.replace(from, to);
      expect(next, `${file} was edited`).not.toBe(text);
      writeFileSync(path, next);
    };
    // A Dockerfile that would run as root; a misspelt Deployment field; a probe-less agent;
    // a compose key outside the specification; chart values outside values.schema.json.
    edit("docker/registry.Dockerfile", /^USER node$/m, "");
    edit("k8s/registry-deployment.yaml", "  replicas: 2", "  replica: 2");
    edit("k8s/agents.yaml", "          livenessProbe:", "          startupProbe:");
    edit("compose.yaml", "    restart: unless-stopped\n    command:", "    restart: unless-stopped\n    comand:");
    writeFileSync(join(broken, "helm/mcp-mesh/ci/bad-values.yaml"), "registry:\n  store:\n    type: mysql\n");
    const problems = checkDeploy({ deployDir: broken }).join("\n");
    expect(problems).toMatch(/registry\.Dockerfile: the final stage must switch to a non-root USER/);
    expect(problems).toMatch(/registry-deployment\.yaml: .*unknown field "spec\.replica"/);
    expect(problems).toMatch(/kubeconform: .*Deployment mcp-mesh-registry is invalid.*'replica' not allowed/);
    expect(problems).toMatch(/agents\.yaml: Deployment\/hello-world: container agent needs livenessProbe/);
    expect(problems).toMatch(/compose: .*comand/);
    expect(problems).toMatch(/bad-values\.yaml lint: .*registry\.store\.type must be one of/);
    // The untouched files still pass: only the broken ones are reported.
    expect(problems).not.toMatch(/example-agent\.Dockerfile|ingress\.yaml|postgres-values\.yaml/);
  }, 120_000);
});
