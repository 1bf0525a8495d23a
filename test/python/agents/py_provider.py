# A reference Python provider (mcp-mesh 3.7.1 on FastMCP) for the mixed-mesh tests: one tool per
# kind of result, and a `lang` capability that a TypeScript agent also provides (with another
# version and other tags) so consumers' tags and version constraints choose between them.
# The test sets MCP_MESH_REGISTRY_URL, MCP_MESH_AGENT_NAME, MCP_MESH_HTTP_PORT, ... (python-env.ts).
import asyncio

import mesh
from fastmcp import FastMCP

app = FastMCP("Python provider")


@app.tool()
@mesh.tool(capability="py_string", description="A greeting, as a string")
def py_string(name: str = "world") -> str:
    return f"hello {name} from python"


@app.tool()
@mesh.tool(capability="py_number")
def py_number() -> int:
    return 42


@app.tool()
@mesh.tool(capability="py_float")
def py_float() -> float:
    return 2.5


@app.tool()
@mesh.tool(capability="py_bool")
def py_bool() -> bool:
    return True


@app.tool()
@mesh.tool(capability="py_dict")
def py_dict() -> dict:
    return {"lang": "python", "n": 1, "nested": {"ok": True, "none": None}}


@app.tool()
@mesh.tool(capability="py_list")
def py_list() -> list:
    return [1, "two", {"three": 3}, None]


@app.tool()
@mesh.tool(capability="py_none")
def py_none() -> None:
    return None


# No return annotation: FastMCP sends only the text "42", no structuredContent.
@app.tool()
@mesh.tool(capability="py_untyped")
def py_untyped():
    return 42


@app.tool()
@mesh.tool(capability="py_error")
def py_error() -> str:
    raise ValueError("python says no")


# A slow tool that says so: `timeout` reaches consumers in the resolution's kwargs.
@app.tool()
@mesh.tool(capability="py_slow", timeout=60)
async def py_slow() -> str:
    await asyncio.sleep(2.5)
    return "slow but fine"


@app.tool()
@mesh.tool(capability="lang", version="1.0.0", tags=["python", "shared"])
def py_lang() -> str:
    return "python"


@mesh.agent(name="py-provider", version="1.0.0", http_port=0, auto_run=True)
class PyProvider:
    pass
