import dspy
from pydantic_ai import Agent
import instructor
import aisuite as ai

lm = dspy.LM("openai/gpt-4o-mini", max_tokens=2000)
dspy.configure(lm=lm)

agent = Agent("anthropic:claude-3-5-sonnet-latest", system_prompt="Be concise.")

client = instructor.from_provider("openai/gpt-4o")


def ask(question):
    suite = ai.Client()
    return suite.chat.completions.create(
        model="anthropic:claude-3-5-haiku-20241022",
        messages=[{"role": "user", "content": question}],
    )
