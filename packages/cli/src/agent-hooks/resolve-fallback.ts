// Module resolve hook (see register.ts): normal resolution first; only when that fails for one
// of the packages an agent needs from the mesh, resolve it again from meshctl's own location.
const PACKAGES = ["@mcp-mesh/sdk", "@mcp-mesh/protocol", "zod"];

let bases: string[] = [];

export function initialize(data: { bases: string[] }): void {
  bases = data.bases;
}

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
  importAttributes: Record<string, string>;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string }> {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (!PACKAGES.some((p) => specifier === p || specifier.startsWith(`${p}/`))) throw err;
    for (const parentURL of bases) {
      try {
        return await next(specifier, { ...context, parentURL });
      } catch {
        // try the next base
      }
    }
    throw err;
  }
}
