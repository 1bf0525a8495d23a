# A reference Python streaming producer and consumer (mcp-mesh 3.7.1) for the streaming
# interop test. `py_words` is a `-> mesh.Stream[str]` tool: it yields "uno ", waits until the
# file `gate` exists (so the test sees the first chunk while it is blocked), then "dos ", "tres".
# `py_stream_ts` reads our TypeScript streaming tool (capability `ts_words`) with the Python
# proxy's `.stream()` and returns the chunks it got, one list item per chunk.
import asyncio
import os

import mesh
from fastmcp import FastMCP

app = FastMCP("Python streamer")


@app.tool()
@mesh.tool(capability="py_words")
async def py_words(gate: str) -> mesh.Stream[str]:
    yield "uno "
    for _ in range(1500):
        if os.path.exists(gate):
            break
        await asyncio.sleep(0.02)
    yield "dos "
    yield "tres"


@app.tool()
@mesh.tool(capability="py_stream_ts", dependencies=["ts_words"])
async def py_stream_ts(gate: str, ts_words: mesh.McpMeshTool = None) -> dict:
    if ts_words is None:
        return {"wired": False}
    chunks = []
    async for chunk in ts_words.stream(gate=gate):
        chunks.append(chunk)
    return {"wired": True, "chunks": chunks}


@mesh.agent(name="py-streamer", version="1.0.0", http_port=0, auto_run=True)
class PyStreamer:
    pass
