# A Python agent (the reference runtime, PyPI mcp-mesh 3.7.1) that provides date_service, the
# capability examples/simple/hello-world.ts depends on (with tag "system"). Next to the
# TypeScript agents of examples/simple it wins hello-world's dependency over the TypeScript
# system agent: both match, and the registry prefers the higher version (1.1.0 > 1.0.0).
# Run: python clock_agent.py (MCP_MESH_REGISTRY_URL says where the registry is). See
# docs/python-interop.md.
import datetime
from zoneinfo import ZoneInfo

import mesh
from fastmcp import FastMCP

app = FastMCP("Python clock")


@app.tool()
@mesh.tool(
    capability="date_service",
    version="1.1.0",
    tags=["system", "python"],
    description="The current date and time, from Python",
)
def get_python_time(tz: str = "UTC") -> str:
    try:
        zone = ZoneInfo(tz)
    except Exception:  # an unknown zone, or no time zone database on this machine
        zone = datetime.timezone.utc
    now = datetime.datetime.now(zone)
    return now.strftime("%A %d %B %Y, %H:%M:%S %Z") + " (from Python)"


@mesh.agent(name="python-clock", version="1.0.0", http_port=9092, auto_run=True)
class PythonClock:
    pass
