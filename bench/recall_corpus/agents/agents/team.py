from crewai import LLM, Agent
from smolagents import CodeAgent, InferenceClientModel, LiteLLMModel, TransformersModel
from haystack.components.generators import OpenAIGenerator
from haystack.components.generators.chat import HuggingFaceAPIChatGenerator

writer_llm = LLM(model="gpt-4o", temperature=0.2)
researcher = Agent(role="researcher", goal="find facts", backstory="", llm=writer_llm)

hf_model = InferenceClientModel(model_id="Qwen/Qwen2.5-Coder-32B-Instruct")
local_model = TransformersModel(model_id="HuggingFaceTB/SmolLM2-1.7B-Instruct")
claude = LiteLLMModel(model_id="anthropic/claude-3-5-sonnet-latest")
agent = CodeAgent(tools=[], model=hf_model)

generator = OpenAIGenerator(model="gpt-4o-mini")
chat = HuggingFaceAPIChatGenerator(
    api_type="serverless_inference_api", api_params={"model": "HuggingFaceH4/zephyr-7b-beta"}
)
