from unsloth import FastLanguageModel, FastVisionModel

MAX_LEN = 2048


def load(small=True):
    model, tokenizer = FastLanguageModel.from_pretrained(
        model_name="unsloth/Llama-3.2-1B-Instruct"
        if small
        else "unsloth/Meta-Llama-3.1-8B-bnb-4bit",
        max_seq_length=MAX_LEN,
        load_in_4bit=True,
    )
    return model, tokenizer


def vision():
    return FastVisionModel.from_pretrained("unsloth/Qwen2-VL-7B-Instruct", load_in_4bit=True)
