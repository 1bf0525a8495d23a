# syntax=docker/dockerfile:1
# A base for MCP Mesh agents: Node 20, an unprivileged user, the settings an agent needs inside
# a container and a HEALTHCHECK on the agent's /livez. Build from the repository root:
#   docker build -f deploy/docker/agent-base.Dockerfile -t mcp-mesh/agent-base .
# Your agent's image starts FROM it and copies in a bundled agent (see example-agent.Dockerfile).
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}
# HOST: listen on every interface. MCP_MESH_HTTP_PORT: a fixed port the Service/healthcheck know.
# MCP_MESH_HTTP_HOST is left to the orchestrator (the pod IP or the compose service name), since
# it is the address other agents dial.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    MCP_MESH_HTTP_PORT=8080 \
    MCP_MESH_REGISTRY_URL=http://registry:8000
WORKDIR /app
RUN chown node:node /app
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.MCP_MESH_HTTP_PORT+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "/app/agent.mjs"]
