# A reference Python @mesh.llm consumer (mcp-mesh 3.7.1) for the mixed LLM tests: its LLM is our
# TypeScript provider (capability "llm", tag "scripted"), and its LLM's tools are mesh tools
# tagged "math" (ours too). `py_calc` answers a Pydantic model (structured output), `py_chat` a
# str, `py_stream_chat` streams (so the Python runtime asks for the provider's _stream twin).
import mesh
from fastmcp import FastMCP
from pydantic import BaseModel

app = FastMCP("Python LLM consumer")


class CalcResult(BaseModel):
    answer: int
    explanation: str


PROVIDER = {"capability": "llm", "tags": ["scripted"]}


@app.tool()
@mesh.llm(
    filter=[{"tags": ["math"]}],
    provider=PROVIDER,
    max_iterations=5,
    system_prompt="You are a calculator assistant.",
)
@mesh.tool(capability="py_calc")
async def py_calc(question: str, llm: mesh.MeshLlmAgent = None) -> CalcResult:
    return await llm(question)


@app.tool()
@mesh.llm(provider=PROVIDER, system_prompt="Be brief.")
@mesh.tool(capability="py_chat")
async def py_chat(message: str, llm: mesh.MeshLlmAgent = None) -> str:
    if llm is None:
        return "no llm wired"
    try:
        return await llm(message)
    except Exception as e:  # what the Python runtime raised, for the test to read
        return f"raised {type(e).__name__}: {e}"


@app.tool()
@mesh.llm(provider=PROVIDER, system_prompt="Be brief.")
@mesh.tool(capability="py_stream_chat")
async def py_stream_chat(message: str, llm: mesh.MeshLlmAgent = None) -> mesh.Stream[str]:
    async for chunk in llm.stream(message):
        yield chunk


@mesh.agent(name="py-llm-consumer", version="1.0.0", http_port=0, auto_run=True)
class PyLlmConsumer:
    pass
