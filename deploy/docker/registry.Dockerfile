# syntax=docker/dockerfile:1
# The MCP Mesh registry. Build from the repository root:
#   docker build -f deploy/docker/registry.Dockerfile -t mcp-mesh/registry .
# Two stages: the first compiles and bundles the registry into one ESM file; the second holds
# only Node, that file and its one external dependency (libsql, a native addon) — no dev deps.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json ./
COPY packages/ packages/
COPY scripts/bundle-registry.mjs scripts/
# --ignore-scripts: the root "prepare" would build every package; only the registry is needed.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npx tsc -b packages/protocol packages/registry \
 && node scripts/bundle-registry.mjs
# The runtime folder: the launcher, the bundle, and libsql at the version the lockfile pinned.
RUN mkdir -p /out/bin /out/dist \
 && cp packages/registry/bin/mcp-mesh-registry.js /out/bin/ \
 && cp packages/registry/dist/main.bundle.mjs /out/dist/ \
 && printf '{ "name": "mcp-mesh-registry-image", "private": true, "type": "module" }\n' > /out/package.json \
 && npm install --prefix /out --omit=dev --no-audit --no-fund --no-package-lock \
      "libsql@$(node -p "require('./node_modules/libsql/package.json').version")"

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATABASE_URL=/data/mcp_mesh_registry.db
WORKDIR /app
COPY --from=build --chown=node:node /out/ ./
# /data holds the SQLite file; mount a volume there (PostgreSQL deployments need none).
RUN mkdir /data && chown node:node /data
VOLUME ["/data"]
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/mcp-mesh-registry.js"]
