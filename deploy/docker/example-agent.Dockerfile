# syntax=docker/dockerfile:1
# An agent image built on the agent base: examples/simple bundled into one file with esbuild.
# Build from the repository root (the base first):
#   docker build -f deploy/docker/agent-base.Dockerfile -t mcp-mesh/agent-base .
#   docker build -f deploy/docker/example-agent.Dockerfile --build-arg AGENT=hello-world -t mcp-mesh/hello-world .
# AGENT names a file of examples/simple (hello-world, system-agent). Your own agent: replace the
# source path, keep the shape — bundle in a build stage (every import, optional integrations your
# agent uses included: the base has no node_modules), copy one file onto the base.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG BASE_IMAGE=mcp-mesh/agent-base

FROM ${NODE_IMAGE} AS build
ARG AGENT=hello-world
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json ./
COPY packages/ packages/
COPY examples/simple/ examples/simple/
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npx tsc -b packages/protocol packages/sdk \
 && npx esbuild "examples/simple/${AGENT}.ts" --bundle --platform=node --format=esm --target=node20 \
      --outfile=/out/agent.mjs \
      "--banner:js=import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);"

FROM ${BASE_IMAGE}
COPY --from=build --chown=node:node /out/agent.mjs /app/agent.mjs
