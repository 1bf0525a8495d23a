// Event types of GET /events (PROTOCOL.md §1.8): the reference registry's enum. Ours emits
// register, unregister, unhealthy and the dependency audit; a reference registry may also
// return the others, so clients accept and filter by all of them.
export const EVENT_TYPES = [
  "register",
  "heartbeat",
  "expire",
  "update",
  "unregister",
  "unhealthy",
  "rotate",
  "dependency_resolved",
  "dependency_unresolved",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
