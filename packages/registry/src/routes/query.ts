// Query-string values as the routes read them. Fastify turns a repeated parameter into an array;
// a filter takes every value (OR), a single-valued parameter refuses repeats with a 400, so no
// array ever reaches the store or a comparison meant for a string.

import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";

export type RawQuery = Record<string, string | string[] | undefined>;

/** More values than any real filter needs; also keeps SQL parameter lists small. */
export const MAX_FILTER_VALUES = 64;

/** Every non-empty value of a filter, de-duplicated; [] when absent. */
export function filterValues(q: RawQuery, name: string): string[] {
  const raw = q[name];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const values = [...new Set(list.filter((v) => v !== ""))];
  if (values.length > MAX_FILTER_VALUES) {
    throw new MeshError(
      ErrorCodes.BAD_REQUEST,
      `query parameter '${name}' is given ${values.length} times (limit ${MAX_FILTER_VALUES})`,
    );
  }
  return values;
}

/** A parameter that takes one value; given twice it is a 400 naming it. */
export function singleValue(q: RawQuery, name: string): string | undefined {
  const raw = q[name];
  if (Array.isArray(raw)) {
    if (new Set(raw).size === 1) return raw[0];
    throw new MeshError(ErrorCodes.BAD_REQUEST, `query parameter '${name}' takes one value, got ${raw.length}`);
  }
  return raw;
}
