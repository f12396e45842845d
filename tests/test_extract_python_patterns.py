"""Every CALL_PATTERNS row, matched and not matched, with exact (line, column, kind, raw) lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors.python import extract
from scanner.find.extractors.python.patterns import CALL_PATTERNS, may_contain_call
from scanner.types import RefKind

HF = RefKind.HUGGINGFACE
API = RefKind.API

# (extractor id, source, expected [(line, column, kind, raw, provider)])
CASES: list[tuple[str, str, list[tuple[int, int, RefKind, str, str | None]]]] = [
    (
        "py.pipeline",
        'from transformers import pipeline\npipeline("ner", model="dslim/bert-base-NER")\n',
        [(2, 23, HF, "dslim/bert-base-NER", None)],
    ),
    (
        "py.pipeline",
        'from transformers import pipeline as p\np(model="gpt2", tokenizer="org/tok")\n',
        [(2, 9, HF, "gpt2", None), (2, 27, HF, "org/tok", None)],
    ),
    (
        "py.pipeline",
        'import transformers\ntransformers.pipeline("text-generation", "org/m")\n',
        [(2, 42, HF, "org/m", None)],
    ),
    (
        "py.pipeline",
        "from transformers import pipeline\ntok = load()\n"
        'pipeline("ner", "org/m", tokenizer=tok)\n',
        [(3, 17, HF, "org/m", None)],
    ),
    (
        "py.peft_adapter",
        'from peft import PeftModel\nPeftModel.from_pretrained(base, "org/adapter")\n'
        'PeftModel.from_pretrained(base, model_id="org/adapter2")\n',
        [(2, 33, HF, "org/adapter", None), (3, 42, HF, "org/adapter2", None)],
    ),
    (
        "py.llama_cpp",
        "from llama_cpp import Llama\n"
        'Llama.from_pretrained(repo_id="org/gguf", filename="*.gguf")\n',
        [(2, 31, HF, "org/gguf", None)],
    ),
    (
        "py.from_pretrained",
        'from transformers import AutoModel as AM\nAM.from_pretrained(\n    "bert-base-uncased",\n'
        ")\n",
        [(3, 5, HF, "bert-base-uncased", None)],
    ),
    (
        "py.from_pretrained",
        "import transformers as tf\n"
        'tf.AutoTokenizer.from_pretrained(pretrained_model_name_or_path="org/t")\n',
        [(2, 64, HF, "org/t", None)],
    ),
    (
        "py.from_pretrained",
        "from diffusers import StableDiffusionPipeline, DiffusionPipeline\n"
        'StableDiffusionPipeline.from_pretrained("runwayml/stable-diffusion-v1-5")\n'
        'DiffusionPipeline.from_pretrained("stabilityai/sdxl-turbo")\n',
        [
            (2, 41, HF, "runwayml/stable-diffusion-v1-5", None),
            (3, 35, HF, "stabilityai/sdxl-turbo", None),
        ],
    ),
    (
        "py.from_pretrained.any",  # any library: namespaced ids and the legacy canonical ones
        'from mylib import Net\nNet.from_pretrained("org/net")\nNet.from_pretrained("gpt2")\n'
        'Net.from_pretrained("my-net")\n',
        [(2, 21, HF, "org/net", None), (3, 21, HF, "gpt2", None)],
    ),
    (
        "py.sentence_transformers",
        "from sentence_transformers import SentenceTransformer, SparseEncoder\n"
        'SentenceTransformer("all-MiniLM-L6-v2")\n'
        'SentenceTransformer(model_name_or_path="BAAI/bge-small-en")\n'
        'SentenceTransformer("bert-base-uncased")\n'
        'SentenceTransformer("BERT-Base-Uncased")\n'  # the library compares lower-cased
        'SparseEncoder("splade-cocondenser")\n',
        [
            (2, 21, HF, "sentence-transformers/all-MiniLM-L6-v2", None),
            (3, 40, HF, "BAAI/bge-small-en", None),
            (4, 21, HF, "bert-base-uncased", None),
            (5, 21, HF, "BERT-Base-Uncased", None),
            (6, 15, HF, "sentence-transformers/splade-cocondenser", None),
        ],
    ),
    (
        "py.cross_encoder",  # no organisation is prepended: a bare non-legacy name is a folder
        "from sentence_transformers import CrossEncoder\n"
        'CrossEncoder("cross-encoder/ms-marco-MiniLM-L-6-v2")\n'
        'CrossEncoder("bert-base-uncased")\n'
        'CrossEncoder(model_name_or_path="ms-marco-MiniLM-L-6-v2")\n',
        [
            (2, 14, HF, "cross-encoder/ms-marco-MiniLM-L-6-v2", None),
            (3, 14, HF, "bert-base-uncased", None),
        ],
    ),
    (
        "py.hf_hub",
        "from huggingface_hub import hf_hub_download, snapshot_download\n"
        'hf_hub_download("org/gguf", "m.gguf")\n'
        'snapshot_download(repo_id="org/data", repo_type="dataset")\n'
        'snapshot_download(repo_id="org/space", repo_type="space")\n',
        [(2, 17, HF, "org/gguf", None), (3, 27, RefKind.DATASET, "org/data", None)],
    ),
    (
        "py.hf_inference",
        'from huggingface_hub import InferenceClient\nInferenceClient(model="org/m")\n',
        [(2, 23, HF, "org/m", None)],
    ),
    (
        "py.vllm",
        'from vllm import LLM\nLLM(model="meta-llama/Llama-3.1-8B")\nLLM("org/x")\n',
        [(2, 11, HF, "meta-llama/Llama-3.1-8B", None), (3, 5, HF, "org/x", None)],
    ),
    (
        "py.datasets",
        'from datasets import load_dataset\nload_dataset("org/ds")\n'
        'load_dataset("csv", data_files="x.csv")\nload_dataset("librispeech_asr", "clean")\n',
        [
            (2, 14, RefKind.DATASET, "org/ds", None),
            (4, 14, RefKind.DATASET, "librispeech_asr", None),
        ],
    ),
    (
        "py.openai",
        "from openai import OpenAI, AsyncOpenAI\nclient = OpenAI()\n"
        'client.chat.completions.create(model="gpt-4o", messages=[])\n'
        'client.responses.create(model="o3", input="hi")\n'
        'client.embeddings.create(model="text-embedding-3-small", input="x")\n'
        'client.images.generate(model="dall-e-3", prompt="x")\n'
        'AsyncOpenAI().chat.completions.create(model="gpt-4o-mini")\n',
        [
            (3, 38, API, "gpt-4o", "openai"),
            (4, 31, API, "o3", "openai"),
            (5, 32, API, "text-embedding-3-small", "openai"),
            (6, 30, API, "dall-e-3", "openai"),
            (7, 45, API, "gpt-4o-mini", "openai"),
        ],
    ),
    (
        "py.anthropic",
        "import anthropic\nc = anthropic.Anthropic()\n"
        'c.messages.create(model="claude-3-5-sonnet-latest")\n',
        [(3, 25, API, "claude-3-5-sonnet-latest", "anthropic")],
    ),
    (
        "py.google_generativeai",
        'import google.generativeai as genai\ngenai.GenerativeModel("gemini-1.5-pro")\n',
        [(2, 23, API, "gemini-1.5-pro", "google")],
    ),
    (
        "py.google_genai",
        "from google import genai\nclient = genai.Client()\n"
        'client.models.generate_content(model="gemini-2.0-flash", contents="x")\n',
        [(3, 38, API, "gemini-2.0-flash", "google")],
    ),
    (
        "py.mistral",
        "from mistralai import Mistral\nc = Mistral()\n"
        'c.chat.complete(model="mistral-large-latest")\n',
        [(3, 23, API, "mistral-large-latest", "mistral")],
    ),
    (
        "py.cohere",
        'import cohere\nco = cohere.Client()\nco.chat(model="command-r", message="x")\n'
        'co.embed(model="embed-english-v3.0")\n',
        [(3, 15, API, "command-r", "cohere"), (4, 16, API, "embed-english-v3.0", "cohere")],
    ),
    (
        "py.litellm",
        "import litellm\nfrom litellm import completion\n"
        'completion(model="anthropic/claude-3-opus")\n'
        'litellm.embedding("text-embedding-3-small")\ncompletion(model="huggingface/org/m")\n'
        'completion("ollama/llama3")\n',
        [
            (3, 18, API, "anthropic/claude-3-opus", "anthropic"),
            (4, 19, API, "text-embedding-3-small", "litellm"),
            (5, 18, HF, "org/m", None),
            (6, 12, RefKind.OLLAMA, "llama3", None),
        ],
    ),
    (
        "py.litellm_router",
        "from litellm import Router\nrouter = Router(model_list=[\n"
        '    {"model_name": "gpt", "litellm_params": {"model": "azure/gpt-4o"}},\n'
        '    {"model_name": "claude", "litellm_params": {"model": "anthropic/claude-3-opus"}},\n'
        '    {"model_name": "local", "litellm_params": {"model": "ollama/llama3"}},\n'
        '    {"model_name": "no-params"},\n'
        "])\n",
        [
            (3, 55, API, "azure/gpt-4o", "azure"),
            (4, 58, API, "anthropic/claude-3-opus", "anthropic"),
            (5, 57, RefKind.OLLAMA, "llama3", None),
        ],
    ),
    (
        "py.litellm_router",
        "import litellm\n"
        'DEPLOYMENTS = [{"model_name": "a", "litellm_params": {"model": "gpt-4o"}}]\n'
        "litellm.Router(DEPLOYMENTS)\n",
        [(3, 16, API, "gpt-4o", "litellm")],
    ),
    (
        "py.langchain_openai",
        'from langchain_openai import ChatOpenAI, OpenAIEmbeddings\nChatOpenAI(model="gpt-4o")\n'
        'ChatOpenAI(model_name="gpt-4")\nOpenAIEmbeddings(model="text-embedding-3-large")\n',
        [
            (2, 18, API, "gpt-4o", "openai"),
            (3, 23, API, "gpt-4", "openai"),
            (4, 24, API, "text-embedding-3-large", "openai"),
        ],
    ),
    (
        "py.langchain_anthropic",
        'from langchain_anthropic import ChatAnthropic\nChatAnthropic(model="claude-3-haiku")\n',
        [(2, 21, API, "claude-3-haiku", "anthropic")],
    ),
    (
        "py.langchain_google",
        "from langchain_google_genai import ChatGoogleGenerativeAI\n"
        'ChatGoogleGenerativeAI(model="gemini-pro")\n',
        [(2, 30, API, "gemini-pro", "google")],
    ),
    (
        "py.langchain_mistral",
        'from langchain_mistralai import ChatMistralAI\nChatMistralAI(model="mistral-small")\n',
        [(2, 21, API, "mistral-small", "mistral")],
    ),
    (
        "py.langchain_cohere",
        'from langchain_cohere import ChatCohere\nChatCohere(model="command-r-plus")\n',
        [(2, 18, API, "command-r-plus", "cohere")],
    ),
    (
        "py.langchain_huggingface_embeddings",
        "from langchain_community.embeddings import HuggingFaceEmbeddings\n"
        'HuggingFaceEmbeddings(model_name="all-mpnet-base-v2")\n',
        [(2, 34, HF, "sentence-transformers/all-mpnet-base-v2", None)],
    ),
    (
        "py.langchain_huggingface",
        "from langchain_huggingface import HuggingFacePipeline\n"
        'HuggingFacePipeline.from_model_id(model_id="org/m", task="text-generation")\n',
        [(2, 44, HF, "org/m", None)],
    ),
    (
        "py.langchain_ollama",
        'from langchain_ollama import ChatOllama\nChatOllama(model="llama3.1:8b")\n',
        [(2, 18, RefKind.OLLAMA, "llama3.1:8b", None)],
    ),
    (
        "py.ollama",
        'import ollama\nollama.chat(model="llama3.1")\nollama.generate("mistral", "hi")\n',
        [(2, 19, RefKind.OLLAMA, "llama3.1", None), (3, 17, RefKind.OLLAMA, "mistral", None)],
    ),
    (
        "py.langchain_init_chat_model",
        "from langchain.chat_models import init_chat_model\n"
        'init_chat_model("gpt-4o", model_provider="openai")\n'
        'init_chat_model(model="anthropic:claude-3-5-sonnet-latest")\n'
        'init_chat_model("google_genai:gemini-2.0-flash")\n'
        'init_chat_model("o3-mini")\n',
        [
            (2, 17, API, "gpt-4o", "openai"),
            (3, 23, API, "claude-3-5-sonnet-latest", "anthropic"),
            (4, 17, API, "gemini-2.0-flash", "google"),
            (5, 17, API, "o3-mini", None),
        ],
    ),
    (
        "py.langchain_init_chat_model",
        "from langchain.chat_models import init_chat_model\n"
        'init_chat_model("ollama:llama3.1:8b")\n'
        'init_chat_model("org/m", model_provider="huggingface")\n',
        [(2, 17, RefKind.OLLAMA, "llama3.1:8b", None), (3, 17, HF, "org/m", None)],
    ),
    (
        "py.llama_index_openai",
        "from llama_index.core import Settings\nfrom llama_index.llms.openai import OpenAI\n"
        "from llama_index.embeddings.openai import OpenAIEmbedding\n"
        'Settings.llm = OpenAI(model="gpt-4o-mini")\n'
        'Settings.embed_model = OpenAIEmbedding(model="text-embedding-3-small")\n',
        [(4, 29, API, "gpt-4o-mini", "openai"), (5, 46, API, "text-embedding-3-small", "openai")],
    ),
    (
        "py.llama_index_anthropic",
        "from llama_index.llms.anthropic import Anthropic\n"
        'Anthropic(model="claude-3-opus-20240229")\n',
        [(2, 17, API, "claude-3-opus-20240229", "anthropic")],
    ),
    (
        "py.llama_index_google",
        "from llama_index.llms.google_genai import GoogleGenAI\n"
        'GoogleGenAI(model="gemini-2.0-flash")\n',
        [(2, 19, API, "gemini-2.0-flash", "google")],
    ),
    (
        "py.llama_index_mistral",
        "from llama_index.llms.mistralai import MistralAI\n"
        'MistralAI(model="mistral-large-latest")\n',
        [(2, 17, API, "mistral-large-latest", "mistral")],
    ),
    (
        "py.llama_index_cohere",
        "from llama_index.embeddings.cohere import CohereEmbedding\n"
        'CohereEmbedding(model_name="embed-english-v3.0")\n',
        [(2, 28, API, "embed-english-v3.0", "cohere")],
    ),
    (
        "py.llama_index_ollama",
        'from llama_index.llms.ollama import Ollama\nOllama(model="llama3", request_timeout=60)\n',
        [(2, 14, RefKind.OLLAMA, "llama3", None)],
    ),
    (
        "py.llama_index_huggingface_embeddings",
        "from llama_index.embeddings.huggingface import HuggingFaceEmbedding\n"
        'HuggingFaceEmbedding(model_name="BAAI/bge-small-en-v1.5")\n'
        'HuggingFaceEmbedding(model_name="all-MiniLM-L6-v2")\n',
        [
            (2, 33, HF, "BAAI/bge-small-en-v1.5", None),
            (3, 33, HF, "sentence-transformers/all-MiniLM-L6-v2", None),
        ],
    ),
    (
        "py.llama_index_huggingface",
        "from llama_index.llms.huggingface import HuggingFaceLLM\n"
        'HuggingFaceLLM(model_name="org/llm", tokenizer_name="org/tok")\n',
        [(2, 27, HF, "org/llm", None), (2, 53, HF, "org/tok", None)],
    ),
    (
        "py.ultralytics",
        'from ultralytics import YOLO\nYOLO("yolov8n.pt")\nYOLO("runs/train/weights/best.pt")\n',
        [(2, 6, RefKind.ULTRALYTICS, "yolov8n.pt", None)],
    ),
    (
        "py.torch_hub",
        'import torch\ntorch.hub.load("pytorch/vision:v0.10.0", "resnet50", pretrained=True)\n'
        'torch.hub.load("./local", "m", source="local")\n',
        [(2, 16, RefKind.TORCH_HUB, "pytorch/vision:resnet50", None)],
    ),
    (
        "py.timm",
        'import timm\ntimm.create_model("resnet50", pretrained=True)\n'
        'timm.create_model("vit_base", pretrained=False)\n'
        'timm.create_model("hf_hub:timm/vit_base_patch16_224.augreg_in21k")\n'
        'timm.create_model("resnet18")\n',
        [
            (2, 19, RefKind.TIMM, "resnet50", None),
            (4, 19, HF, "hf_hub:timm/vit_base_patch16_224.augreg_in21k", None),
        ],
    ),
    (
        "py.open_clip",
        "import open_clip\n"
        'open_clip.create_model_and_transforms("ViT-B-32", pretrained="laion2b_s34b_b79k")\n'
        'open_clip.create_model_and_transforms("hf-hub:laion/CLIP-ViT-g-14")\n'
        'open_clip.create_model("RN50")\n',
        [
            (2, 39, RefKind.OPEN_CLIP, "ViT-B-32:laion2b_s34b_b79k", None),
            (3, 39, HF, "hf-hub:laion/CLIP-ViT-g-14", None),
        ],
    ),
    (
        "py.whisper",
        'import whisper\nwhisper.load_model("large-v3")\nwhisper.load_model("base.en")\n'
        'whisper.load_model("ckpt.pt")\n',
        [(2, 20, HF, "openai/whisper-large-v3", None), (3, 20, HF, "openai/whisper-base.en", None)],
    ),
    (
        "py.spacy",
        'import spacy\nspacy.load("en_core_web_sm")\nspacy.load("./my_pipeline")\n'
        'spacy.blank("en")\n',
        [(2, 12, RefKind.SPACY, "en_core_web_sm", None)],
    ),
]

# (source, why nothing is found)


# Loaders added for recall on unseen code: a case per row at least, not-a-model values (local
# paths, bare non-legacy names, training checkpoints, configs) beside the ids.
LOADER_CASES: list[tuple[str, str, list[tuple[int, int, RefKind, str, str | None]]]] = [
    (
        "py.unsloth",
        "from unsloth import FastLanguageModel, FastModel\n"
        "model, tok = FastLanguageModel.from_pretrained(\n"
        '    model_name="unsloth/Llama-3.2-3B-Instruct", load_in_4bit=True\n'
        ")\n"
        'FastModel.from_pretrained("unsloth/gemma-3-4b-it")\n'
        'FastLanguageModel.from_pretrained(model_name="lora_model")\n',
        [
            (3, 16, HF, "unsloth/Llama-3.2-3B-Instruct", None),
            (5, 27, HF, "unsloth/gemma-3-4b-it", None),
        ],
    ),
    (
        "py.unsloth",
        "import unsloth\n"
        "unsloth.FastVisionModel.from_pretrained(\n"
        '    model_name="unsloth/Qwen2.5-VL-7B-Instruct",\n'
        ")\n",
        [
            (3, 16, HF, "unsloth/Qwen2.5-VL-7B-Instruct", None),
        ],
    ),
    (
        "py.trl",
        "from trl import SFTTrainer, DPOTrainer\n"
        'ref = "org/same"\n'
        'SFTTrainer(model="Qwen/Qwen2.5-0.5B", train_dataset=ds)\n'
        'DPOTrainer("org/policy", ref_model="org/reference", args=cfg)\n'
        "DPOTrainer(model=ref, ref_model=None)\n",
        [
            (3, 18, HF, "Qwen/Qwen2.5-0.5B", None),
            (4, 12, HF, "org/policy", None),
            (4, 36, HF, "org/reference", None),
            (5, 18, HF, "org/same", None),
        ],
    ),
    (
        "py.trl",
        "import trl\n"
        'trainer = trl.GRPOTrainer(model="org/base", reward_funcs="org/reward-model")\n'
        'trl.GKDTrainer(model="org/student", teacher_model="org/teacher")\n'
        "trl.SFTTrainer(model=get_peft_model(base, cfg), train_dataset=ds)\n"  # an object
        "trl.SFTTrainer(**trainer_kwargs)\n",
        [
            (2, 33, HF, "org/base", None),
            (2, 58, HF, "org/reward-model", None),
            (3, 22, HF, "org/student", None),
            (3, 51, HF, "org/teacher", None),
        ],
    ),
    (
        "py.diffusers_loader",
        "from diffusers import DiffusionPipeline\n"
        "pipe = make()\n"
        'pipe.load_lora_weights("org/lora", weight_name="w.safetensors")\n'
        'pipe.load_ip_adapter("h94/IP-Adapter", subfolder="models", weight_name="ip.bin")\n'
        'pipe.load_textual_inversion(pretrained_model_name_or_path="org/concept")\n'
        'pipe.load_lora_weights("./loras/mine.safetensors")\n',
        [
            (3, 24, HF, "org/lora", None),
            (4, 22, HF, "h94/IP-Adapter", None),
            (5, 59, HF, "org/concept", None),
        ],
    ),
    (
        "py.diffusers_loader",
        "from diffusers import StableDiffusionPipeline as SDP\n"
        'SDP.from_single_file("https://huggingface.co/org/sd/blob/main/model.safetensors")\n'
        'SDP.from_single_file("weights/local.ckpt")\n',
        [
            (2, 22, HF, "org/sd", None),
        ],
    ),
    (
        "py.load_adapter",
        "from transformers import AutoModelForCausalLM\n"
        "m = load()\n"
        'm.load_adapter("org/adapter", adapter_name="a")\n'
        'm.load_adapter(peft_model_id="org/adapter-2")\n',
        [
            (3, 16, HF, "org/adapter", None),
            (4, 30, HF, "org/adapter-2", None),
        ],
    ),
    (
        "py.modelscope_hub",
        "from modelscope import snapshot_download\n"
        'snapshot_download("qwen/Qwen2.5-7B-Instruct")\n'
        'snapshot_download(model_id="org/ds", repo_type="dataset")\n',
        [
            (2, 19, HF, "qwen/Qwen2.5-7B-Instruct", None),
            (3, 28, RefKind.DATASET, "org/ds", None),
        ],
    ),
    (
        "py.modelscope_pipeline",
        "from modelscope.pipelines import pipeline\n"
        'pipeline("text-generation", model="qwen/Qwen2-7B")\n',
        [
            (2, 35, HF, "qwen/Qwen2-7B", None),
        ],
    ),
    (
        "py.modelscope_dataset",
        "from modelscope.msdatasets import MsDataset\n"
        'MsDataset.load("modelscope/chinese-poetry")\n',
        [
            (2, 16, RefKind.DATASET, "modelscope/chinese-poetry", None),
        ],
    ),
    (
        "py.from_pretrained",
        "from modelscope import AutoModelForCausalLM\n"
        'AutoModelForCausalLM.from_pretrained("qwen/Qwen2-1.5B")\n',
        [
            (2, 38, HF, "qwen/Qwen2-1.5B", None),
        ],
    ),
    (
        "py.mlx",
        "from mlx_lm import load, generate\n"
        'model, tok = load("mlx-community/Llama-3.2-3B-Instruct-4bit")\n'
        "import mlx_vlm\n"
        'mlx_vlm.load(path_or_hf_repo="mlx-community/Qwen2-VL-2B-Instruct-4bit")\n'
        "from mlx_lm.utils import sharded_load\n"
        'sharded_load("mlx-community/Llama-3.3-70B-Instruct-4bit", pipeline_group, tensor_group)\n',
        [
            (2, 19, HF, "mlx-community/Llama-3.2-3B-Instruct-4bit", None),
            (4, 30, HF, "mlx-community/Qwen2-VL-2B-Instruct-4bit", None),
            (6, 14, HF, "mlx-community/Llama-3.3-70B-Instruct-4bit", None),
        ],
    ),
    (
        "py.flag_embedding",
        "from FlagEmbedding import BGEM3FlagModel, FlagReranker, FlagAutoModel\n"
        'BGEM3FlagModel("BAAI/bge-m3", use_fp16=True)\n'
        'FlagReranker(model_name_or_path="BAAI/bge-reranker-large")\n'
        'FlagAutoModel.from_finetuned("BAAI/bge-base-en-v1.5")\n',
        [
            (2, 16, HF, "BAAI/bge-m3", None),
            (3, 33, HF, "BAAI/bge-reranker-large", None),
            (4, 30, HF, "BAAI/bge-base-en-v1.5", None),
        ],
    ),
    (
        "py.faster_whisper",
        "from faster_whisper import WhisperModel\n"
        'WhisperModel("large-v3")\n'
        'WhisperModel("distil-large-v3")\n'
        'WhisperModel("turbo")\n'
        'WhisperModel(model_size_or_path="org/ct2-model")\n'
        'WhisperModel("my-local-model")\n',
        [
            (2, 14, HF, "Systran/faster-whisper-large-v3", None),
            (3, 14, HF, "Systran/faster-distil-whisper-large-v3", None),
            (4, 14, HF, "mobiuslabsgmbh/faster-whisper-large-v3-turbo", None),
            (5, 33, HF, "org/ct2-model", None),
        ],
    ),
    (
        "py.faster_whisper",
        "import whisperx\n"
        'whisperx.load_model("medium.en", "cuda")\n'
        "from faster_whisper import download_model\n"
        'download_model("tiny")\n',
        [
            (2, 21, HF, "Systran/faster-whisper-medium.en", None),
            (4, 16, HF, "Systran/faster-whisper-tiny", None),
        ],
    ),
    (
        "py.ctranslate2",
        "import ctranslate2\n"
        'ctranslate2.Translator("ende_ctranslate2/", device="cpu")\n'
        'ctranslate2.Generator("org/ct2-llm")\n'
        'ctranslate2.Generator("converted")\n',
        [
            (3, 23, HF, "org/ct2-llm", None),
        ],
    ),
    (
        "py.smolagents",
        "from smolagents import InferenceClientModel, TransformersModel\n"
        'InferenceClientModel(model_id="Qwen/Qwen2.5-Coder-32B-Instruct")\n'
        'TransformersModel("HuggingFaceTB/SmolLM2-1.7B-Instruct")\n',
        [
            (2, 31, HF, "Qwen/Qwen2.5-Coder-32B-Instruct", None),
            (3, 19, HF, "HuggingFaceTB/SmolLM2-1.7B-Instruct", None),
        ],
    ),
    (
        "py.smolagents_litellm",
        "from smolagents import LiteLLMModel\n"
        'LiteLLMModel(model_id="anthropic/claude-3-5-sonnet-latest")\n'
        'LiteLLMModel("ollama_chat/llama3.2")\n',
        [
            (2, 23, API, "anthropic/claude-3-5-sonnet-latest", "anthropic"),
            (3, 14, RefKind.OLLAMA, "llama3.2", None),
        ],
    ),
    (
        "py.smolagents_router",
        "from smolagents import LiteLLMRouterModel\n"
        'LiteLLMRouterModel(model_id="group", model_list=[\n'
        '    {"model_name": "group", "litellm_params": {"model": "gpt-4o-mini"}},\n'
        "])\n",
        [
            (3, 57, API, "gpt-4o-mini", "litellm"),
        ],
    ),
    (
        "py.smolagents_openai",
        'import smolagents\nsmolagents.OpenAIServerModel(model_id="gpt-4o")\n',
        [
            (2, 39, API, "gpt-4o", "openai"),
        ],
    ),
    (
        "py.smolagents_bedrock",
        "from smolagents import AmazonBedrockServerModel\n"
        'AmazonBedrockServerModel(model_id="us.anthropic.claude-3-5-sonnet-20241022-v2:0")\n',
        [
            (2, 35, API, "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock"),
        ],
    ),
    (
        "py.pydantic_ai",
        "from pydantic_ai import Agent\n"
        'Agent("openai:gpt-4o")\n'
        'Agent(model="google-gla:gemini-1.5-flash", system_prompt="x")\n'
        'Agent("ollama:llama3.2")\n'
        'Agent("claude-3-5-haiku-latest")\n',
        [
            (2, 7, API, "gpt-4o", "openai"),
            (3, 13, API, "gemini-1.5-flash", "google"),
            (4, 7, RefKind.OLLAMA, "llama3.2", None),
            (5, 7, API, "claude-3-5-haiku-latest", None),
        ],
    ),
    (
        "py.pydantic_ai_openai",
        'from pydantic_ai.models.openai import OpenAIModel\nOpenAIModel("gpt-4o-mini")\n',
        [
            (2, 13, API, "gpt-4o-mini", "openai"),
        ],
    ),
    (
        "py.pydantic_ai_anthropic",
        "from pydantic_ai.models.anthropic import AnthropicModel\n"
        'AnthropicModel(model_name="claude-3-5-sonnet-latest")\n',
        [
            (2, 27, API, "claude-3-5-sonnet-latest", "anthropic"),
        ],
    ),
    (
        "py.pydantic_ai_google",
        'from pydantic_ai.models.gemini import GeminiModel\nGeminiModel("gemini-2.0-flash")\n',
        [
            (2, 13, API, "gemini-2.0-flash", "google"),
        ],
    ),
    (
        "py.dspy",
        "import dspy\n"
        'lm = dspy.LM("openai/gpt-4o-mini", max_tokens=100)\n'
        'dspy.LM(model="anthropic/claude-3-7-sonnet-20250219")\n'
        'dspy.Embedder("openai/text-embedding-3-small")\n',
        [
            (2, 14, API, "openai/gpt-4o-mini", "openai"),
            (3, 15, API, "anthropic/claude-3-7-sonnet-20250219", "anthropic"),
            (4, 15, API, "openai/text-embedding-3-small", "openai"),
        ],
    ),
    (
        "py.instructor",
        'import instructor\ninstructor.from_provider("anthropic/claude-3-5-haiku-latest")\n',
        [
            (2, 26, API, "anthropic/claude-3-5-haiku-latest", "anthropic"),
        ],
    ),
    (
        "py.aisuite",
        "import aisuite as ai\n"
        "client = ai.Client()\n"
        'client.chat.completions.create(model="anthropic:claude-3-5-sonnet-20240620")\n',
        [
            (3, 38, API, "claude-3-5-sonnet-20240620", "anthropic"),
        ],
    ),
    (
        "py.crewai",
        "from crewai import LLM\n"
        'LLM(model="gpt-4o", temperature=0)\n'
        'LLM("anthropic/claude-3-5-sonnet-20241022")\n',
        [
            (2, 11, API, "gpt-4o", "litellm"),
            (3, 5, API, "anthropic/claude-3-5-sonnet-20241022", "anthropic"),
        ],
    ),
    (
        "py.crewai_agent",
        'from crewai import Agent\nAgent(role="r", goal="g", backstory="b", llm="gpt-4o-mini")\n',
        [
            (2, 46, API, "gpt-4o-mini", "litellm"),
        ],
    ),
    (
        "py.haystack_openai",
        "from haystack.components.generators import OpenAIGenerator\n"
        'OpenAIGenerator(model="gpt-4o-mini")\n',
        [
            (2, 23, API, "gpt-4o-mini", "openai"),
        ],
    ),
    (
        "py.haystack_anthropic",
        "from haystack_integrations.components.generators.anthropic import (\n"
        "    AnthropicChatGenerator,\n"
        ")\n"
        'AnthropicChatGenerator(model="claude-3-5-sonnet-20240620")\n',
        [
            (4, 30, API, "claude-3-5-sonnet-20240620", "anthropic"),
        ],
    ),
    (
        "py.haystack_hf_api",
        "from haystack.components.generators.chat import HuggingFaceAPIChatGenerator\n"
        "HuggingFaceAPIChatGenerator(\n"
        '    api_type="serverless_inference_api",\n'
        '    api_params={"model": "HuggingFaceH4/zephyr-7b-beta"},\n'
        ")\n",
        [
            (4, 26, HF, "HuggingFaceH4/zephyr-7b-beta", None),
        ],
    ),
    (
        "py.haystack_hf_local",
        "from haystack.components.generators import HuggingFaceLocalGenerator\n"
        'HuggingFaceLocalGenerator(model="google/flan-t5-large", task="text2text")\n',
        [
            (2, 33, HF, "google/flan-t5-large", None),
        ],
    ),
    (
        "py.haystack_sentence_transformers",
        "from haystack.components.embedders import SentenceTransformersTextEmbedder\n"
        'SentenceTransformersTextEmbedder(model="all-MiniLM-L6-v2")\n',
        [
            (2, 40, HF, "sentence-transformers/all-MiniLM-L6-v2", None),
        ],
    ),
    (
        "py.ultralytics",  # a method of an object made by a loader class: the class's row
        'from ultralytics import YOLO\nmodel = YOLO("yolo11n.yaml")\nmodel.load("yolo11n.pt")\n'
        'model.train(data="coco8.yaml")\nother = make()\nother.load("yolov8m.pt")\n'
        'best = YOLO("best.pt")\n',
        [(3, 12, RefKind.ULTRALYTICS, "yolo11n.pt", None)],
    ),
    (
        "py.ultralytics",
        "from ultralytics import YOLO, RTDETR\n"
        'YOLO("yolov8n.yaml").load("yolov8n.pt")\n'
        'RTDETR("rtdetr-l.pt")\n',
        [
            (2, 27, RefKind.ULTRALYTICS, "yolov8n.pt", None),
            (3, 8, RefKind.ULTRALYTICS, "rtdetr-l.pt", None),
        ],
    ),
    (
        "py.pydantic_ai",
        "from pydantic_ai import Agent\n"
        "agent = Agent[Deps, Out](\n"
        '    "anthropic:claude-sonnet-4-0",\n'
        ")\n",
        [
            (3, 5, API, "claude-sonnet-4-0", "anthropic"),
        ],
    ),
    (
        "py.pydantic_ai_run",
        "from pydantic_ai import Agent\n"
        "agent = Agent()\n"
        'agent.run_sync("hi", model="openai:gpt-4o")\n'
        'await agent.run("hi", model="groq:llama-3.3-70b-versatile")\n'
        'agent.run_stream("hi", deps=d)\n',
        [
            (3, 28, API, "gpt-4o", "openai"),
            (4, 29, API, "llama-3.3-70b-versatile", "groq"),
        ],
    ),
    (
        "py.pydantic_ai_realtime",
        'from pydantic_ai import Agent\nvoice = Agent()\nvoice.realtime("openai:gpt-realtime")\n',
        [
            (3, 16, API, "gpt-realtime", "openai"),
        ],
    ),
    (
        "py.instructor_mistral",
        "from instructor import from_mistral\n"
        'client = from_mistral(client=c, model="mistral-large-latest")\n',
        [
            (2, 39, API, "mistral-large-latest", "mistral"),
        ],
    ),
    (
        "py.instructor_cohere",
        "import instructor, cohere\n"
        'instructor.from_cohere(cohere.Client(), model="command-r-plus")\n',
        [
            (2, 47, API, "command-r-plus", "cohere"),
        ],
    ),
    (
        "py.groq",
        "from groq import Groq\n"
        "client = Groq()\n"
        'client.chat.completions.create(model="llama-3.1-8b-instant", messages=[])\n',
        [
            (3, 38, API, "llama-3.1-8b-instant", "groq"),
        ],
    ),
    (
        "py.together",
        "from together import Together\n"
        'Together().chat.completions.create(model="meta-llama/Llama-3-8b-chat-hf")\n',
        [
            (2, 42, HF, "meta-llama/Llama-3-8b-chat-hf", None),  # a Hub model served,
        ],
    ),
    (
        "py.cerebras",
        "from cerebras.cloud.sdk import Cerebras\n"
        "c = Cerebras()\n"
        'c.chat.completions.create(model="llama3.1-8b")\n',
        [
            (3, 33, API, "llama3.1-8b", "cerebras"),
        ],
    ),
]
CASES += LOADER_CASES


NEGATIVE = [
    ('from django.db import models\nmodels.ForeignKey(model="auth.User")\n', "Django model="),
    (
        'from sklearn.linear_model import LogisticRegression\nOpenAI(model="gpt-4o")\n',
        "OpenAI( without a library that provides it",
    ),
    (
        'from openai import OpenAI\nOllama(model="llama3")\n',
        "Ollama( not from langchain/llama_index",
    ),
    (
        'from llama_index.llms.openai import OpenAI\nAnthropic(model="claude-3")\n',
        "Anthropic( not imported from llama_index",
    ),
    (
        'import anthropic\nfrom llama_index.core import Settings\nanthropic.Anthropic(model="x")\n',
        "anthropic.Anthropic() client constructor takes no model",
    ),
    (
        'from llama_index.core import Settings\ninit_chat_model("gpt-4o")\n',
        "init_chat_model without langchain",
    ),
    (
        '# AutoModel.from_pretrained("org/commented")\nfrom transformers import AutoModel\n',
        "comment",
    ),
    (
        "from transformers import AutoModel\ndef f():\n"
        '    """AutoModel.from_pretrained("org/doc")"""\n',
        "docstring",
    ),
    (
        "from transformers import AutoModel\nx = \"AutoModel.from_pretrained('org/str')\"\n",
        "plain string",
    ),
    (
        'from transformers import AutoModel\nAutoModel.from_pretrained("./checkpoints/run1")\n',
        "local path",
    ),
    (
        'from transformers import AutoModel\nAutoModel.from_pretrained("/models/x")\n',
        "absolute path",
    ),
    (
        'from transformers import AutoModel\nAutoModel.from_pretrained("model.safetensors")\n',
        "weights file",
    ),
    (
        "import os\nfrom transformers import AutoModel\n"
        'AutoModel.from_pretrained(os.path.join(d, "x"))\n',
        "os.path.join",
    ),
    (
        "from pathlib import Path\nfrom transformers import AutoModel\n"
        'AutoModel.from_pretrained(Path(__file__).parent / "m")\n',
        "pathlib",
    ),
    (
        'from keras.models import load_model\nload_model("org/not-whisper")\n',
        "unrelated load_model",
    ),
    ('import mylib\nmylib.load_model("large-v3")\n', "unrelated library, same method name"),
    ('from sklearn import pipeline\npipeline.make_pipeline("org/x")\n', "sklearn pipeline"),
    ('import json\njson.load("org/x")\n', "json.load is not spacy.load"),
    (
        'def pipeline(model):\n    pass\npipeline(model="org/x")\n',
        "local function named like a loader",
    ),
    ('client.chat.completions.create(model="gpt-4o")\n', "openai not imported"),
    (
        'from litellm import Router\nRouter(model_list=[{"model_name": "gpt-4o", "rpm": 10}])\n',
        "router alias without litellm_params",
    ),
    (
        'from myrouter import Router\nRouter([{"litellm_params": {"model": "gpt-4o"}}])\n',
        "another library's Router",
    ),
    (
        'from transformers import pipeline\npipeline("ner")(text="org/x")\n',
        "calling a pipeline's result",
    ),
]


def _ctx(tmp_path: Path) -> RepoContext:
    return RepoContext(tmp_path)


@pytest.mark.parametrize(("extractor", "source", "expected"), CASES)
def test_pattern(tmp_path: Path, extractor: str, source: str,
                 expected: list[tuple[int, int, RefKind, str, str | None]]) -> None:  # fmt: skip
    result = extract("app.py", source, _ctx(tmp_path))
    assert [(r.line, r.column, r.kind, r.raw, r.provider) for r in result.refs] == expected
    assert {r.extractor for r in result.refs} == {extractor}
    assert result.unresolved == ()
    assert result.errors == ()


@pytest.mark.parametrize(("source", "why"), NEGATIVE)
def test_not_a_reference(tmp_path: Path, source: str, why: str) -> None:
    result = extract("app.py", source, _ctx(tmp_path))
    assert (result.refs, result.unresolved, result.errors) == ((), (), ()), why


def test_every_pattern_row_has_a_case() -> None:
    covered = {extractor for extractor, _, _ in CASES}
    assert [row.id for row in CALL_PATTERNS if row.id not in covered] == []


def test_pattern_ids_are_unique() -> None:
    ids = [row.id for row in CALL_PATTERNS]
    assert len(ids) == len(set(ids))


def test_local_folder_is_reported_as_local(tmp_path: Path) -> None:
    (tmp_path / "models" / "bert").mkdir(parents=True)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "weights").mkdir()
    source = (
        "from transformers import AutoModel\n"
        'AutoModel.from_pretrained("./models/bert")\n'
        'AutoModel.from_pretrained("weights")\n'
        'AutoModel.from_pretrained("missing/folder/x")\n'
    )
    result = extract("src/app.py", source, _ctx(tmp_path))
    assert [(r.line, r.column, r.kind, r.raw) for r in result.refs] == [
        (2, 27, RefKind.LOCAL, "models/bert"),
        (3, 27, RefKind.LOCAL, "src/weights"),
    ]


def test_local_weights_file_is_not_an_ultralytics_model(tmp_path: Path) -> None:
    (tmp_path / "best.pt").write_bytes(b"")
    source = 'from ultralytics import YOLO\nYOLO("best.pt")\nYOLO("yolo11n.pt")\n'
    result = extract("app.py", source, _ctx(tmp_path))
    assert [(r.line, r.column, r.raw) for r in result.refs] == [(3, 6, "yolo11n.pt")]


def test_unresolved_model_argument_is_reported(tmp_path: Path) -> None:
    source = (
        "from transformers import AutoModel\nimport openai\n"
        "AutoModel.from_pretrained(args.model)\n"
        "openai.OpenAI().chat.completions.create(model=cfg['model'])\n"
        "AutoModel.from_pretrained(**kwargs)\n"
        "from litellm import Router\n"
        'Router(model_list=[{"litellm_params": {"model": m}}, {"litellm_params": p}])\n'
        "Router(model_list=deployments)\n"
    )
    result = extract("app.py", source, _ctx(tmp_path))
    assert result.refs == ()
    assert [(u.line, u.column, u.expression, u.extractor) for u in result.unresolved] == [
        (3, 27, "args.model", "py.from_pretrained"),
        (4, 47, "cfg['model']", "py.openai"),
        (5, 29, "kwargs", "py.from_pretrained"),
        (7, 49, "m", "py.litellm_router"),
        (7, 73, "p", "py.litellm_router"),
        (8, 19, "deployments", "py.litellm_router"),
    ]


def test_loaded_object_passed_on_is_not_unresolved(tmp_path: Path) -> None:
    source = (
        "from transformers import AutoModel, AutoTokenizer, pipeline\n"
        'model = AutoModel.from_pretrained("org/a")\n'
        'tok = AutoTokenizer.from_pretrained("org/a")\n'
        'pipe = pipeline("ner", model=model, tokenizer=tok)\n'
    )
    result = extract("app.py", source, _ctx(tmp_path))
    assert [(r.line, r.column, r.raw) for r in result.refs] == [(2, 35, "org/a"), (3, 37, "org/a")]
    assert result.unresolved == ()


@pytest.mark.parametrize(
    ("source", "parsed"),
    [
        ("import json\njson.load(f)\n", False),  # trigger word without its library
        ("import spacy\nspacy.load('en_core_web_sm')\n", True),
        ("x.from_pretrained(y)\n", True),  # from_pretrained needs no library
        ("import transformers\n", False),  # library without a loader call
        ("import torch\ntorch.load(f)\n", False),  # torch is named, but not hub.load
        ("import torch\ntorch.hub.load('a/b', 'm')\n", True),
        ('import openai\nx = "create(" \n', False),  # create( without chat.completions etc.
        ("from transformers import AutoModel\n# from_pretrained in prose\n", False),
        ("from transformers import pipeline as p\np('gpt2')\n", True),  # import alias
        ("from transformers import AutoModel\nAutoModel.from_pretrained \\\n ('x')\n", True),
    ],
)
def test_prefilter(source: str, parsed: bool) -> None:
    assert may_contain_call(source) is parsed
