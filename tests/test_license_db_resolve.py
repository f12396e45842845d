"""Resolution table for the bundled license database: every rule, in the order it is tried."""

from __future__ import annotations

import pytest

import license_db
from license_db.db import hub_id, strip_suffixes
from license_db.schema import Commercial, Match, Rule

DB = license_db.load()

# (query, kind, model_id, license, rule, rule_id, base_model, provider, inferred)
RESOLVE: list[tuple[str, str, str, str, Rule, str | None, str | None, str | None, bool]] = [
    # exact ids, case-insensitive, revision / tag suffixes, Hub URLs
    (
        "meta-llama/Llama-3.2-1B-Instruct",
        "huggingface",
        "meta-llama/Llama-3.2-1B-Instruct",
        "llama3.2",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    (
        "META-LLAMA/llama-3.2-1b-INSTRUCT",
        "huggingface",
        "meta-llama/Llama-3.2-1B-Instruct",
        "llama3.2",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    (
        "Qwen/Qwen2.5-3B@main",
        "huggingface",
        "Qwen/Qwen2.5-3B",
        "qwen-research",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    (
        "google/gemma-2-9b-it:latest",
        "huggingface",
        "google/gemma-2-9b-it",
        "gemma",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    (
        "https://huggingface.co/black-forest-labs/FLUX.1-schnell",
        "huggingface",
        "black-forest-labs/FLUX.1-schnell",
        "apache-2.0",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    (
        "deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
        "huggingface",
        "deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
        "mit AND llama3.1",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    # aliases: legacy un-namespaced ids
    (
        "bert-base-uncased",
        "huggingface",
        "google-bert/bert-base-uncased",
        "apache-2.0",
        Rule.ALIAS,
        None,
        None,
        None,
        False,
    ),
    ("GPT2", "huggingface", "openai-community/gpt2", "mit", Rule.ALIAS, None, None, None, False),
    (
        "roberta-base",
        "huggingface",
        "FacebookAI/roberta-base",
        "mit",
        Rule.ALIAS,
        None,
        None,
        None,
        False,
    ),
    # facts extension (license_db/data/extra_models.csv): exact ids and legacy aliases
    (
        "facebook/opt-350m",
        "huggingface",
        "facebook/opt-350m",
        "opt-175b",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    (
        "t5-small",
        "huggingface",
        "google-t5/t5-small",
        "apache-2.0",
        Rule.ALIAS,
        None,
        None,
        None,
        False,
    ),
    (
        "bert-large-uncased",
        "huggingface",
        "google-bert/bert-large-uncased",
        "apache-2.0",
        Rule.ALIAS,
        None,
        None,
        None,
        False,
    ),
    (
        "xlm-roberta-large",
        "huggingface",
        "FacebookAI/xlm-roberta-large",
        "mit",
        Rule.ALIAS,
        None,
        None,
        None,
        False,
    ),
    (
        "facebook/nllb-200-distilled-600M",
        "huggingface",
        "facebook/nllb-200-distilled-600M",
        "cc-by-nc-4.0",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    (
        "microsoft/layoutlmv3-base",
        "huggingface",
        "microsoft/layoutlmv3-base",
        "cc-by-nc-sa-4.0",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    # derivative inference: re-packagers and quantisation suffixes
    (
        "unsloth/Llama-3.2-1B-Instruct-bnb-4bit",
        "huggingface",
        "unsloth/Llama-3.2-1B-Instruct-bnb-4bit",
        "llama3.2",
        Rule.DERIVATIVE,
        None,
        "meta-llama/Llama-3.2-1B-Instruct",
        None,
        True,
    ),
    (
        "TheBloke/Llama-2-7B-GGUF",
        "huggingface",
        "TheBloke/Llama-2-7B-GGUF",
        "llama2",
        Rule.DERIVATIVE,
        None,
        "meta-llama/Llama-2-7b",
        None,
        True,
    ),
    (
        "mlx-community/Qwen2.5-3B-Instruct-4bit",
        "huggingface",
        "mlx-community/Qwen2.5-3B-Instruct-4bit",
        "qwen-research",
        Rule.DERIVATIVE,
        None,
        "Qwen/Qwen2.5-3B-Instruct",
        None,
        True,
    ),
    (
        "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
        "huggingface",
        "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
        "llama3.1",
        Rule.DERIVATIVE,
        None,
        "meta-llama/Meta-Llama-3.1-8B-Instruct",
        None,
        True,
    ),
    (
        "unsloth/gpt2",
        "huggingface",
        "unsloth/gpt2",
        "mit",
        Rule.DERIVATIVE,
        None,
        "openai-community/gpt2",
        None,
        True,
    ),
    # the publisher's own quantised copy of a listed model
    (
        "Qwen/Qwen2.5-7B-Instruct-AWQ",
        "huggingface",
        "Qwen/Qwen2.5-7B-Instruct-AWQ",
        "apache-2.0",
        Rule.DERIVATIVE,
        None,
        "Qwen/Qwen2.5-7B-Instruct",
        None,
        True,
    ),
    # a re-packager's copy of an id a family rule lists (no record): resolved by the rule
    (
        "mradermacher/Llama-3.2-90B-Vision-Instruct-i1-GGUF",
        "huggingface",
        "mradermacher/Llama-3.2-90B-Vision-Instruct-i1-GGUF",
        "llama3.2",
        Rule.DERIVATIVE,
        "llama-3.2",
        "llama-3.2-90b-vision-instruct",
        None,
        True,
    ),
    # facts extension (extra_models.csv) rows found in real repositories
    (
        "black-forest-labs/FLUX.2-klein-base-4B",
        "huggingface",
        "black-forest-labs/FLUX.2-klein-base-4B",
        "apache-2.0",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    (
        "naver/splade-cocondenser-ensembledistil",
        "huggingface",
        "naver/splade-cocondenser-ensembledistil",
        "cc-by-nc-sa-4.0",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    (
        "LiquidAI/LFM2-8B-A1B",
        "huggingface",
        "LiquidAI/LFM2-8B-A1B",
        "lfm1.0",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    # a re-packager's copy resolves through an extension base found by its unique name
    (
        "unsloth/csm-1b",
        "huggingface",
        "unsloth/csm-1b",
        "apache-2.0",
        Rule.DERIVATIVE,
        None,
        "sesame/csm-1b",
        None,
        True,
    ),
    (
        "unsloth/MiniLM-L12-H384-uncased-bnb-4bit",
        "huggingface",
        "unsloth/MiniLM-L12-H384-uncased-bnb-4bit",
        "mit",
        Rule.DERIVATIVE,
        None,
        "microsoft/MiniLM-L12-H384-uncased",
        None,
        True,
    ),
    # bare names of providers whose LiteLLM keys carry their own routing prefix
    (
        "imagen-3.0-generate-002",
        "api",
        "imagen-3.0-generate-002",
        "proprietary-api-google-gemini",
        Rule.API,
        None,
        None,
        "gemini",
        False,
    ),
    (
        "voyage-2",
        "api",
        "voyage-2",
        "proprietary-api-voyage",
        Rule.API,
        None,
        None,
        "voyage",
        False,
    ),
    (
        "embed-v4.0",
        "api",
        "embed-v4.0",
        "proprietary-api-cohere",
        Rule.API,
        None,
        None,
        "cohere",
        False,
    ),
    (
        "openai.gpt-oss-120b",
        "api",
        "openai.gpt-oss-120b",
        "proprietary-api-bedrock",
        Rule.API,
        None,
        None,
        "bedrock",
        False,
    ),
    # hosted API names, litellm-style prefixes
    ("gpt-4o", "api", "gpt-4o", "proprietary-api-openai", Rule.API, None, None, "openai", False),
    # a name several providers list is its maker's; Google's "models/" resource prefix
    (
        "claude-3-haiku-20240307",
        "api",
        "claude-3-haiku-20240307",
        "proprietary-api-anthropic",
        Rule.API,
        None,
        None,
        "anthropic",
        False,
    ),
    (
        "models/gemini-embedding-001",
        "api",
        "gemini-embedding-001",
        "proprietary-api-google-gemini",
        Rule.API,
        None,
        None,
        "gemini",
        False,
    ),
    # a Bedrock cross-region inference profile is the model id behind its region prefix
    (
        "us.openai.gpt-5.6-sol",
        "api",
        "openai.gpt-5.6-sol",
        "proprietary-api-bedrock",
        Rule.API,
        None,
        None,
        "bedrock",
        False,
    ),
    # a Hub id asked of an OpenAI-compatible server (vLLM, LM Studio) is the open model
    (
        "meta-llama/Llama-3.1-8B-Instruct",
        "api",
        "meta-llama/Llama-3.1-8B-Instruct",
        "llama3.1",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
    (
        "claude-3-5-sonnet-20240620",
        "huggingface",
        "claude-3-5-sonnet-20240620",
        "proprietary-api-anthropic",
        Rule.API,
        None,
        None,
        "anthropic",
        False,
    ),
    (
        "anthropic/claude-3-5-sonnet-20240620",
        "api",
        "claude-3-5-sonnet-20240620",
        "proprietary-api-anthropic",
        Rule.API,
        None,
        None,
        "anthropic",
        False,
    ),
    (
        "openai/gpt-4o",
        "api",
        "gpt-4o",
        "proprietary-api-openai",
        Rule.API,
        None,
        None,
        "openai",
        False,
    ),
    (
        "azure/gpt-4o",
        "api",
        "azure/gpt-4o",
        "proprietary-api-azure",
        Rule.API,
        None,
        None,
        "azure",
        False,
    ),
    (
        "bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0",
        "api",
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
        "proprietary-api-bedrock",
        Rule.API,
        None,
        None,
        "bedrock",
        False,
    ),
    (
        "mistral/mistral-large-latest",
        "api",
        "mistral/mistral-large-latest",
        "proprietary-api-mistral",
        Rule.API,
        None,
        None,
        "mistral",
        False,
    ),
    (
        "anthropic/claude-not-yet-released",
        "api",
        "claude-not-yet-released",
        "proprietary-api-anthropic",
        Rule.API,
        None,
        None,
        "anthropic",
        True,
    ),
    (
        "command-r-plus",
        "api",
        "command-r-plus",
        "proprietary-api-cohere",
        Rule.API,
        None,
        None,
        "cohere",
        False,
    ),
    # spaCy packages and Ultralytics weights
    ("en_core_web_sm", "spacy", "en_core_web_sm", "mit", Rule.SPACY, None, None, None, False),
    ("es-core-news-sm", "spacy", "es_core_news_sm", "gpl-3.0", Rule.SPACY, None, None, None, False),
    (
        "it_core_news_lg==3.8.0",
        "spacy",
        "it_core_news_lg",
        "cc-by-nc-sa-3.0",
        Rule.SPACY,
        None,
        None,
        None,
        False,
    ),
    (
        "de_core_news_sm",
        "huggingface",
        "de_core_news_sm",
        "mit",
        Rule.SPACY,
        None,
        None,
        None,
        False,
    ),
    (
        "yolov8n.pt",
        "ultralytics",
        "yolov8n.pt",
        "agpl-3.0",
        Rule.ULTRALYTICS,
        None,
        None,
        None,
        False,
    ),
    (
        "YOLO11s-seg",
        "ultralytics",
        "yolo11s-seg.pt",
        "agpl-3.0",
        Rule.ULTRALYTICS,
        None,
        None,
        None,
        False,
    ),
    (
        "ultralytics/yolov5:yolov5s",
        "torch_hub",
        "yolov5s.pt",
        "agpl-3.0",
        Rule.ULTRALYTICS,
        None,
        None,
        None,
        False,
    ),
    # packages whose license governs the weights they fetch
    (
        "ultralytics",
        "package",
        "ultralytics",
        "agpl-3.0",
        Rule.PACKAGE,
        "package-ultralytics",
        None,
        None,
        False,
    ),
    (
        "Ultralytics==8.3.0",
        "package",
        "ultralytics",
        "agpl-3.0",
        Rule.PACKAGE,
        "package-ultralytics",
        None,
        None,
        False,
    ),
    # timm / open_clip names that are Hub ids
    (
        "hf-hub:google/gemma-2-2b",
        "timm",
        "google/gemma-2-2b",
        "gemma",
        Rule.EXACT,
        None,
        None,
        None,
        False,
    ),
]

# Every Ollama rule, by an example tag.
OLLAMA: list[tuple[str, str, str]] = [
    ("llama2:13b", "llama2", "ollama-llama2"),
    ("codellama:7b-instruct", "llama2", "ollama-codellama"),
    ("llama3", "llama3", "ollama-llama3"),
    ("llama3.1:8b", "llama3.1", "ollama-llama3.1"),
    ("llama3.2-vision:11b", "llama3.2", "ollama-llama3.2"),
    ("llama3.3:70b", "llama3.3", "ollama-llama3.3"),
    ("llama4:scout", "llama4", "ollama-llama4"),
    ("gemma2:9b", "gemma", "ollama-gemma"),
    ("qwen3:30b-a3b", "apache-2.0", "ollama-qwen3"),
    ("ollama/mixtral:8x7b", "apache-2.0", "ollama-mixtral"),
    ("starcoder2:3b", "bigcode-openrail-m", "ollama-starcoder2"),
    ("phi4", "mit", "ollama-phi3"),
    ("gpt-oss:20b", "apache-2.0", "ollama-gpt-oss"),
    ("gpt-oss", "apache-2.0", "ollama-gpt-oss"),
]

# Every family rule, by an id it lists (one without an exact record where the sources name one,
# so the rule itself decides the lookup).
FAMILY: list[tuple[str, str, str]] = [
    ("meta-llama/Meta-Llama-Guard-2-8B", "llama3", "llama-guard-2"),
    ("meta-llama/Llama-Guard-3-8B-INT8", "llama3.1", "llama-guard-3-8b"),
    ("meta-llama/Llama-Guard-3-1B-INT4", "llama3.2", "llama-guard-3-1b-11b"),
    ("meta-llama/Llama-2-13b-hf", "llama2", "llama-2"),
    ("meta-llama/Meta-Llama-3-8B-Instruct", "llama3", "llama-3"),
    ("meta-llama/Llama-3.1-405B-Instruct-FP8", "llama3.1", "llama-3.1"),
    ("meta-llama/Llama-3.2-90B-Vision-Instruct", "llama3.2", "llama-3.2"),
    ("meta-llama/Llama-3.3-70B-Instruct", "llama3.3", "llama-3.3"),
    ("meta-llama/Llama-4-Maverick-17B-128E-Original", "llama4", "llama-4"),
    ("codellama/CodeLlama-34b-Instruct-hf", "llama2", "codellama"),
    ("google/gemma-4-31b-it", "unknown", "gemma-4-unverified"),
    ("google/gemma-3n-E2B-it", "gemma", "gemma"),
    ("Qwen/Qwen-Image-Edit", "apache-2.0", "qwen-image"),
    ("Qwen/Qwen-1_8B", "tongyi-qianwen-research", "qwen-v1-1.8b-research"),
    ("Qwen/Qwen-7B", "tongyi-qianwen", "qwen-v1"),
    ("Qwen/Qwen1.5-0.5B", "tongyi-qianwen-research", "qwen1.5-0.5b-research"),
    ("Qwen/Qwen1.5-7B", "tongyi-qianwen", "qwen1.5"),
    ("Qwen/Qwen2-72B-Instruct", "tongyi-qianwen", "qwen2-72b"),
    ("Qwen/Qwen2-VL-72B", "qwen", "qwen2-vl-72b"),
    ("Qwen/Qwen2-7B-Instruct", "apache-2.0", "qwen2"),
    ("Qwen/Qwen2.5-VL-3B-Instruct", "qwen-research", "qwen2.5-3b-research"),
    ("Qwen/Qwen2.5-VL-72B-Instruct", "qwen", "qwen2.5-72b"),
    ("Qwen/Qwen2.5-Coder-32B", "apache-2.0", "qwen2.5"),
    ("Qwen/Qwen3-30B-A3B-Base", "apache-2.0", "qwen3"),
    ("Qwen/Qwen3-VL-32B-Instruct", "apache-2.0", "qwen3"),  # issue 16
    ("Wan-AI/Wan2.1-T2V-14B-Diffusers", "apache-2.0", "wan"),  # issue 16
    ("mistralai/Codestral-22B-v0.1", "mnpl", "mistral-mnpl"),
    ("mistralai/Mistral-Large-Instruct-2411", "mrl", "mistral-mrl"),
    ("mistralai/Mistral-Medium-3.5-128B", "mistral-modified-mit", "mistral-modified-mit"),
    ("mistralai/Voxtral-4B-TTS-2603", "cc-by-nc-4.0", "mistral-voxtral-tts"),
    ("mistralai/Mistral-7B-v0.2", "apache-2.0", "mistral-apache"),
    ("black-forest-labs/FLUX.1-schnell", "apache-2.0", "flux1-schnell"),
    ("black-forest-labs/FLUX.1-Canny-dev", "flux-1-dev-non-commercial-license", "flux1-dev"),
    ("stabilityai/stable-diffusion-xl-base-0.9", "sdxl-0.9-research", "sdxl-0.9"),
    ("stabilityai/stable-diffusion-xl-base-1.0", "openrail++", "sdxl"),
    ("stabilityai/stable-diffusion-2-1", "openrail++", "sd2"),
    ("stabilityai/stable-diffusion-3.5-large-turbo", "stabilityai-ai-community", "sd3"),
    (
        "stabilityai/stable-video-diffusion-img2vid-xt-1-1",
        "stabilityai-ai-community",
        "svd-xt-1-1",
    ),
    ("stabilityai/stable-video-diffusion-img2vid-xt", "sai-nc-community", "svd"),
    ("stabilityai/sd-turbo", "sai-nc-community", "sai-turbo"),
    ("stabilityai/stablelm-tuned-alpha-7b", "cc-by-nc-sa-4.0", "stablelm-tuned-alpha"),
    ("stabilityai/stablelm-base-alpha-3b", "cc-by-sa-4.0", "stablelm-base"),
    ("CompVis/stable-diffusion-v1-1", "creativeml-openrail-m", "sd1"),
    ("DeepFloyd/IF-I-XL-v1.0", "deepfloyd-if-license", "deepfloyd-if"),
    ("bigcode/starcoder2-15b-instruct-v0.1", "bigcode-openrail-m", "bigcode-starcoder"),
    ("bigscience/bloomz-7b1", "bigscience-bloom-rail-1.0", "bigscience-bloom"),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "mit AND apache-2.0", "deepseek-r1-distill-qwen"),
    (
        "deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
        "mit AND llama3.1",
        "deepseek-r1-distill-llama-8b",
    ),
    (
        "deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
        "mit AND llama3.3",
        "deepseek-r1-distill-llama-70b",
    ),
    ("deepseek-ai/DeepSeek-R1-0528", "mit", "deepseek-r1"),
    ("deepseek-ai/DeepSeek-V4-Flash-0731", "mit", "deepseek-v4"),
    ("deepseek-ai/deepseek-llm-7b-chat", "deepseek", "deepseek-license"),
    ("microsoft/phi-1", "microsoft-research-license", "phi-1-research"),
    ("microsoft/Phi-3.5-MoE-instruct", "mit", "phi-mit"),
    ("tiiuae/falcon-180B-chat", "falcon-180b-tii-license-1.0", "falcon-180b"),
    ("tiiuae/falcon-7b-instruct", "apache-2.0", "falcon-7b-40b"),
    ("tiiuae/falcon-11B", "falcon-llm-license", "falcon-2-3"),
    ("CohereForAI/c4ai-command-r7b-12-2024", "cohere-c4ai-cc-by-nc-4.0", "cohere-c4ai"),
    ("sentence-transformers/clip-ViT-B-32", "unknown", "sentence-transformers-clip"),
    ("sentence-transformers/LaBSE", "apache-2.0", "sentence-transformers"),
    ("openai/clip-vit-large-patch14-336", "unknown", "openai-clip"),
    ("openai/whisper-large-v2", "mit", "openai-whisper"),
    ("openai/gpt-oss-20b", "apache-2.0", "openai-gpt-oss"),
    ("openai-community/gpt2-xl", "mit", "openai-gpt2"),
    ("ibm-granite/granite-3.1-8b-instruct", "apache-2.0", "ibm-granite"),
    ("01-ai/Yi-1.5-34B-Chat-16K", "apache-2.0", "yi"),
    ("databricks/dbrx-instruct", "databricks-open-model", "dbrx"),
    ("google/bert_uncased_L-4_H-256_A-4", "apache-2.0", "google-small-bert"),
    ("Helsinki-NLP/opus-mt-tc-big-en-fr", "cc-by-4.0", "opus-mt"),
    ("tiiuae/Falcon-H1-7B-Base", "falcon-llm-license", "falcon-h1"),
    ("zai-org/GLM-4.5-Air-FP8", "mit", "glm-4.5"),
    ("EleutherAI/pythia-6.9b-deduped", "apache-2.0", "pythia"),
    ("LiquidAI/LFM2-350M", "lfm1.0", "liquid-lfm2"),
]

UNKNOWN: list[tuple[str, str]] = [
    ("someone/my-private-model", "huggingface"),
    ("meta-llama/NotALlama", "huggingface"),
    ("mistralai/Mistral-Large-Instruct-2607", "huggingface"),  # unlisted Mistral: not guessed
    ("someone/FLUX.1-dev-fp8", "huggingface"),  # not the publisher, not a known re-packager
    ("mradermacher/Llama-3.2-7B-Custom-i1-GGUF", "huggingface"),  # a fine-tune's own name
    ("Qwen/Qwen2.5-Math-7B", "huggingface"),  # Qwen2.5-Math: no rule lists it
    ("CohereForAI/aya-101", "huggingface"),  # Apache-2.0, not the C4AI NC family
    ("Qwen/Qwen2.5", "huggingface"),
    ("someone/random-model-GGUF", "huggingface"),
    ("google/bert_uncased_L-3_H-128_A-2", "huggingface"),  # no such small-BERT size
    ("facebook/opt-iml-1.3b", "huggingface"),  # OPT-IML is not covered by the OPT rows
    ("hf-internal-testing/tiny-random-gpt2", "huggingface"),  # test fixtures: never guessed
    ("unsloth/not-a-known-base", "huggingface"),
    ("gpt-99-ultra", "api"),
    ("en_core_web_xxl", "spacy"),
    ("yolov99n.pt", "ultralytics"),
    ("qwen2.5:7b", "ollama"),  # sizes differ in license: no ollama rule
    ("deepseek-r1", "ollama"),  # R1 distills of Qwen and Llama bases: sizes differ in license
    ("gpt-oss:120b-cloud", "ollama"),  # runs on Ollama's servers, not the open weights
    ("zai-org/GLM-4.6V-Flash", "huggingface"),  # the GLM-4.5 sentence covers 4.5 only
    ("learnlm-2.0-flash-experimental", "api"),  # no price-map row lists it
    ("torch", "package"),
    ("squad", "dataset"),
    ("meta-llama/Llama-3.2-1B", "dataset"),
    ("resnet50", "timm"),
    ("ViT-B-32:openai", "open_clip"),
    ("pytorch/vision:resnet50", "torch_hub"),
    ("   ", "huggingface"),
    ("meta-llama/Llama-3.2-1B", "no-such-kind"),
]


@pytest.mark.parametrize(
    ("query", "kind", "model_id", "license_id", "rule", "rule_id", "base", "provider", "inferred"),
    RESOLVE,
)
def test_resolve(
    query: str,
    kind: str,
    model_id: str,
    license_id: str,
    rule: Rule,
    rule_id: str | None,
    base: str | None,
    provider: str | None,
    inferred: bool,
) -> None:
    match = DB.lookup(query, kind)
    assert match is not None
    got = (match.model_id, match.license, match.rule, match.rule_id, match.base_model)
    assert got == (model_id, license_id, rule, rule_id, base)
    assert (match.provider, match.inferred, match.query) == (provider, inferred, query)
    assert match.source


@pytest.mark.parametrize(("query", "license_id", "rule_id"), FAMILY)
def test_family_rule(query: str, license_id: str, rule_id: str) -> None:
    match = DB._family_rule(query, query)  # the family stage alone, records aside
    assert match is not None
    assert (match.rule, match.rule_id, match.license, match.model_id) == (
        Rule.FAMILY,
        rule_id,
        license_id,
        query,
    )
    assert (match.tier, match.inferred) == (2, False)
    found = DB.lookup(query)  # a record, where there is one, agrees with the rule
    assert found is not None and found.license == license_id
    assert found.rule in (Rule.EXACT, Rule.FAMILY)


@pytest.mark.parametrize(("query", "license_id", "rule_id"), OLLAMA)
def test_ollama_rule(query: str, license_id: str, rule_id: str) -> None:
    match = DB.lookup(query, "ollama")
    assert match is not None
    assert (match.rule, match.rule_id, match.license) == (Rule.FAMILY, rule_id, license_id)


@pytest.mark.parametrize(("query", "kind"), UNKNOWN)
def test_unknown_is_none(query: str, kind: str) -> None:
    assert DB.lookup(query, kind) is None


def test_api_match_names_a_proprietary_license() -> None:
    match = DB.lookup("xai/grok-2", "api")
    assert match is not None
    terms = DB.license(match.license)
    assert terms is not None
    assert (terms.proprietary_api, terms.distribution, terms.commercial) == (
        True,
        False,
        Commercial.CONDITIONAL,
    )


def test_ollama_hub_names_resolve_as_hub_ids() -> None:
    match = DB.lookup("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "ollama")
    assert match is not None
    assert (match.rule, match.license, match.base_model) == (
        Rule.DERIVATIVE,
        "llama3.2",
        "meta-llama/Llama-3.2-1B-Instruct",
    )


def _never_permissive(match: Match | None) -> bool:
    if match is None:
        return True
    terms = DB.license(match.license.split(" ")[0])
    return terms is not None and terms.commercial is not Commercial.YES


@pytest.mark.parametrize(
    "query",
    [
        "google/gemma-4-31b-it",  # claimed Apache-2.0 by third parties only: stays unknown
        "sentence-transformers/clip-ViT-B-32",  # wraps weights without a declared license
        "mistralai/Codestral-22B-v0.1-GGUF",  # MNPL even when quantised
        "someone/Qwen2.5-72B-Instruct-AWQ",  # Qwen license (MAU cap), not Apache like 7B
        "TheBloke/FLUX.1-dev-GGUF",
        "not/a-model",
    ],
)
def test_restricted_models_are_never_permissive(query: str) -> None:
    assert _never_permissive(DB.lookup(query))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("org/name", "org/name"),
        ("org/name@v1.0", "org/name"),
        ("org/name:tag", "org/name"),
        ("https://huggingface.co/org/name/tree/main", "org/name"),
        ("hf://org/name", "org/name"),
        ("hf-hub:org/name", "org/name"),
        (" gpt2 ", "gpt2"),
    ],
)
def test_hub_id(raw: str, expected: str) -> None:
    assert hub_id(raw) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("llama-3.2-1b-instruct-bnb-4bit", "llama-3.2-1b-instruct"),
        ("llama-3.2-1b-instruct-unsloth-bnb-4bit", "llama-3.2-1b-instruct"),
        ("meta-llama-3.1-8b-instruct-q4_k_m-gguf", "meta-llama-3.1-8b-instruct"),
        ("qwen2.5-7b-instruct-gptq-int4", "qwen2.5-7b-instruct"),
        ("model-i1-gguf", "model"),
        ("gguf", "gguf"),
        ("plain-name", "plain-name"),
    ],
)
def test_strip_suffixes(name: str, expected: str) -> None:
    assert strip_suffixes(name, DB._derivatives.suffixes) == expected


MODALITY_ROWS = [
    # (query, kind, multimodal, the modality rule that decided)
    ("meta-llama/Llama-3.2-11B-Vision-Instruct", "huggingface", True, "llama-3.2-vision"),
    ("meta-llama/Llama-3.2-90B-Vision", "huggingface", True, "llama-3.2-vision"),
    ("meta-llama/Llama-Guard-3-11B-Vision", "huggingface", True, "llama-guard-3-11b-vision"),
    ("meta-llama/Llama-3.2-1B-Instruct", "huggingface", False, "llama-3.2-text"),
    ("meta-llama/Llama-3.2-3B", "huggingface", False, "llama-3.2-text"),
    ("meta-llama/Llama-Guard-3-1B", "huggingface", False, "llama-guard-3-1b"),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "huggingface", True, "llama-4"),
    ("meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "huggingface", True, "llama-4"),
    # a re-packaged copy: by its own name, else by its base model
    ("unsloth/Llama-3.2-11B-Vision-Instruct-bnb-4bit", "huggingface", True, "llama-3.2-vision"),
    ("llama3.2-vision:11b", "ollama", True, "ollama-llama3.2-vision"),
    ("llama3.2:3b", "ollama", False, "ollama-llama3.2-text"),
    ("llama4:scout", "ollama", True, "ollama-llama4"),
]


@pytest.mark.parametrize(("query", "kind", "multimodal", "rule_id"), MODALITY_ROWS)
def test_modality(query: str, kind: str, multimodal: bool, rule_id: str) -> None:
    found = DB.lookup(query, kind)
    assert found is not None and found.multimodal is multimodal
    rule = DB.modality(found.model_id) or DB.modality(found.base_model or "")
    assert rule is not None and rule.id == rule_id


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("llama3.2", "ollama"),  # untagged: the size is not named
        ("meta-llama/Llama-3.1-8B-Instruct", "huggingface"),  # no rule marks it
        ("cognitivecomputations/Dolphin3.0-Llama3.2-1B", "huggingface"),  # a fine-tune's own name
    ],
)
def test_modality_unknown_stays_none(query: str, kind: str) -> None:
    found = DB.lookup(query, kind)
    assert found is not None and found.multimodal is None


def test_every_modality_rule_is_exercised() -> None:
    rules = {rule_id for *_, rule_id in MODALITY_ROWS}
    assert rules == {r.id for r in DB._bundle.modality}
