// The CLI's version: the one release version every package reports (packages/protocol).
export { MESH_VERSION as VERSION } from "@mcp-mesh/protocol";
