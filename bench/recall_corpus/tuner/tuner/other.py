from mlx_lm import load, generate
from llama_cpp import Llama
from huggingface_hub import hf_hub_download
from modelscope import snapshot_download
from modelscope import AutoModelForCausalLM as MSAutoModel
import ctranslate2
from my_company.nets import CustomEncoder


def mlx():
    model, tokenizer = load("mlx-community/Mistral-7B-Instruct-v0.3-4bit")
    return generate(model, tokenizer, prompt="hi")


def gguf():
    path = hf_hub_download(
        repo_id="TheBloke/Mistral-7B-Instruct-v0.2-GGUF",
        filename="mistral-7b-instruct-v0.2.Q4_K_M.gguf",
    )
    return Llama(model_path=path)


def ms():
    local = snapshot_download("qwen/Qwen2.5-7B-Instruct")
    return MSAutoModel.from_pretrained("qwen/Qwen2-1.5B-Instruct"), local


def translator():
    return ctranslate2.Translator("ende_ctranslate2/", device="cpu")


def encoder():
    return CustomEncoder.from_pretrained("roberta-large")
