# A Python agent (the reference runtime, PyPI mcp-mesh 3.7.1) that depends on info_service,
# which the TypeScript system agent of examples/simple provides: the injected proxy calls our
# TypeScript tool and hands back its JSON object as a dict. Without a provider it is None.
# Run: python greeter_agent.py (MCP_MESH_REGISTRY_URL says where the registry is). See
# docs/python-interop.md.
import mesh
from fastmcp import FastMCP

app = FastMCP("Python greeter")


@app.tool()
@mesh.tool(
    capability="python_greeting",
    tags=["demo", "python"],
    description="Greets, with facts from the TypeScript system agent when it is there",
    dependencies=["info_service"],
)
async def hello_from_python(who: str = "world", info: mesh.McpMeshTool = None) -> str:
    if info is None:
        return f"Hello {who}, from Python! (system info not available yet)"
    facts = await info()
    return f"Hello {who}, from Python! The TypeScript system agent runs Node {facts['node']} on {facts['platform']}."


@mesh.agent(name="python-greeter", version="1.0.0", http_port=9093, auto_run=True)
class PythonGreeter:
    pass
