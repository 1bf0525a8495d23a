#!/usr/bin/env node
// Validates deploy/ without a container engine or a cluster (docs/deployment.md says what this
// covers and what it does not):
//   - Dockerfiles: BuildKit's parser and build checks, plus our rules (non-root USER, HEALTHCHECK)
//   - deploy/compose.yaml: loaded as `docker compose config` would (Compose spec schema), all profiles
//   - the Helm chart: `helm lint --strict` and `helm template` with the default values and with
//     ci/*.yaml (PostgreSQL, replicas, TLS, tokens), values checked against values.schema.json
//   - every manifest, rendered and deploy/k8s/*.yaml: kubeconform -strict against the Kubernetes
//     JSON schemas, strict decoding into the k8s.io/api v0.32 types (unknown kinds, unknown
//     fields, wrong types) and our rules (probes, resources, non-root)
// Exit 0 when all is well; otherwise one line per problem and exit 1.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fetchDeployTools, KUBE_VERSION } from "./fetch-deploy-tools.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs one checker step; returns its problems (empty when it passed). */
function step(label, file, args, input) {
  try {
    execFileSync(file, args, { cwd: root, input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], timeout: 120_000 });
    return [];
  } catch (e) {
    const out = `${e.stdout ?? ""}${e.stderr ?? ""}`.trim() || String(e.message);
    return out.split("\n").map((line) => `${label}: ${line}`);
  }
}

function files(dir, suffix) {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * @param {{ deployDir?: string }} [options] deployDir: another deploy/ tree (tests use a broken copy)
 * @returns {string[]} the problems found
 */
export function checkDeploy(options = {}) {
  const { helm, kubeconform, checker, schemas } = fetchDeployTools();
  const conform = ["-strict", "-schema-location", join(schemas, "{{ .ResourceKind }}{{ .KindSuffix }}.json")];
  const deploy = relative(root, resolve(root, options.deployDir ?? "deploy")) || ".";
  const chart = join(deploy, "helm", "mcp-mesh");
  const problems = [];
  problems.push(...step("dockerfile", checker, ["dockerfile", ...files(join(deploy, "docker"), ".Dockerfile")]));
  problems.push(...step("compose", checker, ["compose", join(deploy, "compose.yaml")]));
  const manifests = files(join(deploy, "k8s"), ".yaml");
  problems.push(...step("k8s", checker, ["k8s", ...manifests]));
  problems.push(...step("kubeconform", kubeconform, [...conform, ...manifests]));
  const variants = [[], ...files(join(chart, "ci"), ".yaml").map((f) => ["-f", f])];
  for (const values of variants) {
    const label = `helm${values.length ? ` ${values[1]}` : ""}`;
    const lint = step(`${label} lint`, helm, ["lint", "--strict", "--kube-version", KUBE_VERSION, chart, ...values]);
    if (lint.length) {
      problems.push(...lint);
      continue;
    }
    let rendered;
    try {
      rendered = execFileSync(
        helm,
        ["template", "mesh", chart, "--namespace", "mcp-mesh", "--kube-version", KUBE_VERSION, ...values],
        {
          cwd: root,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    } catch (e) {
      problems.push(`${label} template: ${String(e.stderr || e.message).trim()}`);
      continue;
    }
    problems.push(...step(`${label} rendered`, checker, ["k8s", "-"], rendered));
    problems.push(...step(`${label} kubeconform`, kubeconform, [...conform, "-"], rendered));
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkDeploy({ deployDir: process.argv[2] });
  for (const p of problems) console.error(p);
  console.error(problems.length ? `check-deploy: ${problems.length} problem(s)` : "check-deploy: deploy/ is valid");
  process.exit(problems.length ? 1 : 0);
}
