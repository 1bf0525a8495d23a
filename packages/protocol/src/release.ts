// The version of MCP Mesh for TypeScript, the one place it is written: the registry (/health,
// --version), the agents (/ready) and meshctl (--version) all report it. Every package.json
// carries the same version and depends on its siblings at exactly it; scripts/check-packages.mjs
// fails `npm test` otherwise and `node scripts/set-version.mjs X.Y.Z` changes them all at once.
// A constant, not a read of package.json: protocol does no I/O.
export const MESH_VERSION = "0.1.0";
