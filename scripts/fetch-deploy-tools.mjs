#!/usr/bin/env node
// Makes the deployment checkers available under .cache/go-bin/ (scripts/check-deploy.mjs uses
// them): helm at a pinned version, and deploy-check, our small Go program in scripts/deploy-check
// (BuildKit's Dockerfile parser and linter, compose-go, strict decoding into k8s.io/api types),
// kubeconform at a pinned version, and the Kubernetes JSON schemas kubeconform needs, written by
// deploy-check from the OpenAPI document kustomize embeds (kubeconform's own source, GitHub, is
// not reachable here) into .cache/k8s-schemas.
// Both are Go programs built with `go install`/`go build` from the Go module proxy; no container
// engine, cluster or other download is needed. Cached: helm and kubeconform while they report
// their pins, deploy-check and the schemas while its sources hash the same.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const HELM_VERSION = "v3.17.3";
export const KUBECONFORM_VERSION = "v0.7.0";
/** The Kubernetes version charts are rendered and linted for (helm's --kube-version). */
export const KUBE_VERSION = "v1.32.0";
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const goBin = join(root, ".cache", "go-bin");
const checkerSrc = join(root, "scripts", "deploy-check");

/** Whether a Go toolchain is on PATH (the tools cannot be built without one). */
export function haveGo() {
  try {
    execFileSync("go", ["version"], { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function versionOf(file, args) {
  try {
    return execFileSync(file, args, { encoding: "utf8", timeout: 10_000 }).trim();
  } catch {
    return "";
  }
}

function sourcesHash() {
  const h = createHash("sha256");
  for (const name of readdirSync(checkerSrc).sort()) h.update(name).update(readFileSync(join(checkerSrc, name)));
  return h.digest("hex");
}

/** Installs what is missing; returns the tools' paths and the schema folder. */
export function fetchDeployTools() {
  mkdirSync(goBin, { recursive: true });
  const env = { ...process.env, GOBIN: goBin, GOFLAGS: "-buildvcs=false" };
  const helm = join(goBin, "helm");
  if (!versionOf(helm, ["version", "--short"]).startsWith(HELM_VERSION)) {
    console.error(`fetch-deploy-tools: go install helm ${HELM_VERSION} (a few minutes the first time)`);
    // The version is stamped as helm's own Makefile does (a bare `go install` reports "v3.17").
    const ldflags = `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`;
    execFileSync("go", ["install", "-ldflags", ldflags, `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], {
      env,
      stdio: "inherit",
    });
  }
  const kubeconform = join(goBin, "kubeconform");
  if (versionOf(kubeconform, ["-v"]) !== KUBECONFORM_VERSION) {
    console.error(`fetch-deploy-tools: go install kubeconform ${KUBECONFORM_VERSION}`);
    const ldflags = `-X main.version=${KUBECONFORM_VERSION}`;
    const pkg = `github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}`;
    execFileSync("go", ["install", "-ldflags", ldflags, pkg], { env, stdio: "inherit" });
  }
  const checker = join(goBin, "deploy-check");
  const stamp = `${checker}.sha256`;
  const schemas = join(root, ".cache", "k8s-schemas");
  const hash = sourcesHash();
  if (!existsSync(checker) || !existsSync(stamp) || readFileSync(stamp, "utf8") !== hash) {
    console.error("fetch-deploy-tools: go build scripts/deploy-check");
    execFileSync("go", ["build", "-o", checker, "."], { cwd: checkerSrc, env, stdio: "inherit" });
    rmSync(schemas, { recursive: true, force: true });
    execFileSync(checker, ["schemas", schemas], { stdio: "inherit" });
    writeFileSync(stamp, hash);
  }
  return { helm, kubeconform, checker, schemas };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!haveGo()) {
    // A developer without Go can still run the rest of the suite (test/deploy skips); CI cannot.
    console.error("fetch-deploy-tools: no Go toolchain on PATH: the deploy/ checks cannot run");
    process.exit(process.env.CI === "true" ? 1 : 0);
  }
  fetchDeployTools();
}
