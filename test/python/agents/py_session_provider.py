# A reference Python provider (mcp-mesh 3.7.1) with per-session state in memory, run as several
# replicas of one capability: `session_turn` answers "<agent name>:<turn>" where turn counts the
# calls this process has seen for the `session_id` argument (1, 2, 3, ... when one replica gets
# all of a session's calls). The test sets MCP_MESH_AGENT_NAME, MCP_MESH_REGISTRY_URL, ...
import os

import mesh
from fastmcp import FastMCP

app = FastMCP("Python session provider")
turns: dict[str, int] = {}


@app.tool()
@mesh.tool(capability="py_session_turn")
def session_turn(session_id: str = "", tz: str = "") -> str:
    turns[session_id] = turns.get(session_id, 0) + 1
    return f"{os.environ.get('MCP_MESH_AGENT_NAME', 'py')}:{turns[session_id]}"


@mesh.agent(name=os.environ.get("MCP_MESH_AGENT_NAME", "py-session"), auto_run=True)
class PySessionProvider:
    pass
