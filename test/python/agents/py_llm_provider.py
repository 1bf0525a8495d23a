# A reference Python LLM provider (mcp-mesh 3.7.1 @mesh.llm_provider) pointed at the scripted
# OpenAI-compatible model of @mcp-mesh/sdk/testing through the OpenAI vendor's base_url
# (SCRIPTED_LLM_URL, e.g. http://127.0.0.1:41234/v1). It registers `py_llm` and its streaming
# twin `py_llm_stream` (tags + ai.mcpmesh.stream), with vendor "openai" in the kwargs.
import os

import mesh
from fastmcp import FastMCP

app = FastMCP("Python LLM provider")


@mesh.llm_provider(
    model="openai/scripted-model",
    capability="llm",
    tags=["python", "scripted"],
    version="1.0.0",
    base_url=os.environ["SCRIPTED_LLM_URL"],
    api_key="scripted-key",
)
def py_llm():
    """A Python provider whose vendor is the scripted model."""


@mesh.agent(name="py-llm-provider", version="1.0.0", http_port=0, auto_run=True)
class PyLlmProvider:
    pass
