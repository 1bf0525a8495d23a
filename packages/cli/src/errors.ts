// Every failure of a command is a MeshError; this file turns one into the single line a user
// reads and the exit code a script checks. main.ts is the only caller: the CLI exits in one place.
import { type ErrorCode, ErrorCodes, isMeshError, MeshError } from "@mcp-mesh/protocol";

/** Exit codes are part of the CLI contract (docs/meshctl.md): scripts branch on them. */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  [ErrorCodes.USAGE]: 2,
  [ErrorCodes.INVALID_JSON]: 2,
  [ErrorCodes.CONFIG_INVALID]: 2,
  [ErrorCodes.UNREACHABLE]: 3,
  [ErrorCodes.NOT_FOUND]: 4,
  [ErrorCodes.AMBIGUOUS]: 4,
  [ErrorCodes.TIMEOUT]: 5,
};

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODES[code] ?? 1;
}

export function usageError(message: string): MeshError {
  return new MeshError(ErrorCodes.USAGE, message);
}

/** The message and exit code for anything a command threw (programming errors included). */
export function describeFailure(err: unknown): { message: string; exitCode: number } {
  if (isMeshError(err)) return { message: err.message, exitCode: exitCodeFor(err.code) };
  const message = err instanceof Error ? err.message : String(err);
  return { message: `unexpected error: ${message} (please report it)`, exitCode: 1 };
}

export { ErrorCodes, isMeshError, MeshError };
