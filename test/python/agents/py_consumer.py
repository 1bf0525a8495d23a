# A reference Python consumer (mcp-mesh 3.7.1 on FastMCP) for the mixed-mesh tests. `py_relay`
# calls one of the TypeScript provider's tools through the injected proxy and reports what the
# Python runtime decoded (its Python type and value, or the exception it raised); `py_pick`
# asks for the `lang` capability with different tags and version constraints and reports which
# provider (python or typescript) each dependency was wired to.
import mesh
from fastmcp import FastMCP

app = FastMCP("Python consumer")


def _describe(value):
    return {"type": type(value).__name__, "value": value}


@app.tool()
@mesh.tool(
    capability="py_relay",
    dependencies=[
        "ts_string",
        "ts_number",
        "ts_float",
        "ts_bool",
        "ts_object",
        "ts_list",
        "ts_null",
        "ts_error",
    ],
)
async def py_relay(
    kind: str,
    ts_string: mesh.McpMeshTool = None,
    ts_number: mesh.McpMeshTool = None,
    ts_float: mesh.McpMeshTool = None,
    ts_bool: mesh.McpMeshTool = None,
    ts_object: mesh.McpMeshTool = None,
    ts_list: mesh.McpMeshTool = None,
    ts_null: mesh.McpMeshTool = None,
    ts_error: mesh.McpMeshTool = None,
) -> dict:
    proxies = {
        "string": ts_string,
        "number": ts_number,
        "float": ts_float,
        "bool": ts_bool,
        "object": ts_object,
        "list": ts_list,
        "null": ts_null,
        "error": ts_error,
    }
    proxy = proxies.get(kind)
    if proxy is None:
        return {"kind": kind, "wired": False}
    try:
        value = await (proxy(name="Ada") if kind == "string" else proxy())
    except Exception as err:  # the test asserts what a tool error becomes on the Python side
        return {"kind": kind, "wired": True, "error": type(err).__name__, "message": str(err)}
    return {"kind": kind, "wired": True, **_describe(value)}


@app.tool()
@mesh.tool(
    capability="py_pick",
    dependencies=[
        {"capability": "lang", "version": ">=2.0.0"},
        {"capability": "lang", "version": "<2.0.0"},
        {"capability": "lang", "tags": ["python"]},
        {"capability": "lang", "tags": ["typescript"]},
        {"capability": "lang", "tags": ["+python"]},
        {"capability": "lang", "tags": ["+typescript"]},
        {"capability": "lang", "tags": ["-python"]},
        {"capability": "lang", "tags": ["-typescript"]},
        {"capability": "lang", "tags": ["shared", "+python"], "version": ">=1.0.0"},
        {"capability": "lang", "tags": ["java"]},
    ],
)
async def py_pick(
    v2: mesh.McpMeshTool = None,
    v1: mesh.McpMeshTool = None,
    python: mesh.McpMeshTool = None,
    typescript: mesh.McpMeshTool = None,
    prefer_python: mesh.McpMeshTool = None,
    prefer_typescript: mesh.McpMeshTool = None,
    not_python: mesh.McpMeshTool = None,
    not_typescript: mesh.McpMeshTool = None,
    shared_prefer_python: mesh.McpMeshTool = None,
    java: mesh.McpMeshTool = None,
) -> dict:
    wired = {
        "v2": v2,
        "v1": v1,
        "python": python,
        "typescript": typescript,
        "prefer_python": prefer_python,
        "prefer_typescript": prefer_typescript,
        "not_python": not_python,
        "not_typescript": not_typescript,
        "shared_prefer_python": shared_prefer_python,
        "java": java,
    }
    return {key: (await proxy() if proxy is not None else None) for key, proxy in wired.items()}


@mesh.agent(name="py-consumer", version="1.0.0", http_port=0, auto_run=True)
class PyConsumer:
    pass
