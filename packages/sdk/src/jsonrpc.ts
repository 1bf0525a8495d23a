// What an inbound JSON-RPC message is, decided before the official server sees it. The server's
// strict schemas silently drop what they cannot classify (an extra top-level key, `params` that
// is not an object, a non-integer id): over HTTP that would be a request nobody ever answers.
// Everything the server would drop is answered here with the JSON-RPC error the spec names.

import { RpcErrorCodes } from "@mcp-mesh/protocol";
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
} from "@modelcontextprotocol/server";

export type Json = Record<string, unknown>;

const { INVALID_REQUEST, INVALID_PARAMS } = RpcErrorCodes;

/** The top-level members JSON-RPC 2.0 allows on a request or notification. */
const MESSAGE_KEYS = new Set(["jsonrpc", "id", "method", "params"]);

export type Inbound =
  | { kind: "request"; message: Json; id: string | number }
  | { kind: "notification"; message: Json }
  | { kind: "response"; message: Json }
  | { kind: "invalid"; answer: Json };

/** Sorts one parsed message into what the server can take, or the error to answer instead. */
export function classify(message: unknown): Inbound {
  if (!isObject(message) || message.jsonrpc !== "2.0")
    return invalid(message, INVALID_REQUEST, "Invalid Request: expected a JSON-RPC 2.0 object");
  if (!("method" in message)) {
    // The caller's answer to a request the server sent it (sampling, elicitation).
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) return { kind: "response", message };
    return invalid(message, INVALID_REQUEST, "Invalid Request: a message needs a method, or a result or error");
  }
  if (typeof message.method !== "string" || message.method === "")
    return invalid(message, INVALID_REQUEST, "Invalid Request: method must be a non-empty string");
  const extra = Object.keys(message).find((k) => !MESSAGE_KEYS.has(k));
  if (extra !== undefined)
    return invalid(message, INVALID_REQUEST, `Invalid Request: unexpected member "${extra.slice(0, 64)}"`);
  if ("id" in message && !isId(message.id))
    return invalid(null, INVALID_REQUEST, "Invalid Request: id must be a string or an integer");
  if ("params" in message && !isObject(message.params))
    return invalid(message, INVALID_PARAMS, "Invalid params: params must be an object");
  if ("id" in message) {
    if (!isJSONRPCRequest(message)) return invalid(message, INVALID_PARAMS, invalidMeta(message));
    return { kind: "request", message, id: message.id as string | number };
  }
  if (!isJSONRPCNotification(message)) return invalid(message, INVALID_PARAMS, invalidMeta(message));
  return { kind: "notification", message };
}

/** What else the server's schema checks in params: the `_meta` object and its progress token. */
function invalidMeta(message: Json): string {
  const meta = isObject(message.params) ? message.params._meta : undefined;
  if (meta !== undefined && !isObject(meta)) return "Invalid params: params._meta must be an object";
  return "Invalid params: params._meta does not match the MCP schema (a progressToken is a string or an integer)";
}

function invalid(message: unknown, code: number, text: string): Inbound {
  return { kind: "invalid", answer: rpcError(idOf(message), code, text) };
}

export function rpcError(id: unknown, code: number, message: string): Json {
  return { jsonrpc: "2.0", id: id ?? null, error: { code, message } };
}

function isId(v: unknown): v is string | number {
  return typeof v === "string" || (typeof v === "number" && Number.isInteger(v));
}

function idOf(m: unknown): unknown {
  return isObject(m) && isId(m.id) ? m.id : null;
}

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
