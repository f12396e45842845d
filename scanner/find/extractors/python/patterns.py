"""The one table of Python call patterns that load a model, and how a call is matched to a row.

A row names the libraries that provide the callable (module globs: ``langchain*`` matches
``langchain_openai``), the callables as dotted suffixes (``*.`` marks a method on any receiver,
e.g. a client object), which positional argument or keyword holds the model, and which library
convention reads that string (``naming``: the hint ``scanner.find.identify`` decides by). The first
matching row wins; a new pattern is one new row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Protocol, TypeVar

from scanner.find.identify import Naming
from scanner.find.lexemes import any_word
from scanner.types import RefKind


@dataclass(frozen=True, slots=True)
class ArgSpec:
    """Where an argument sits: a 0-based position (None: keyword-only) and its keyword names."""

    position: int | None
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CallPattern:
    """One way of naming a model in a call; ``id`` is the stable extractor id of its findings."""

    id: str
    libraries: tuple[str, ...]  # module globs providing the callable; () = any receiver
    callables: tuple[str, ...]  # dotted suffixes; a leading "*." is a method on any receiver
    arg: ArgSpec
    kind: RefKind
    naming: Naming = Naming.HUB
    provider: str | None = None
    bare_ok: bool = True  # un-namespaced Hub ids ("gpt2") count
    pair: ArgSpec | None = None  # a second argument completing the name (open_clip tag, hub model)
    option: str | None = None  # keyword whose literal value the naming consults
    string_keywords: tuple[str, ...] = ()  # keywords that name a model only when given a string
    string_only: bool = False  # the argument is mostly an object: only a string is a reference
    path: tuple[str, ...] = ()  # where in the argument's value the model sits: "*" each element
    # of a list (or key of a dict), any other step a dict key; () the value itself


def _arg(position: int | None, *keywords: str) -> ArgSpec:
    return ArgSpec(position, keywords)


_HF = RefKind.HUGGINGFACE
_HF_LIBRARIES = (
    "transformers", "diffusers", "peft", "sentence_transformers", "optimum", "accelerate",
    "huggingface_hub", "trl", "setfit", "auto_gptq", "gptqmodel", "awq", "unsloth", "timm",
    "open_clip", "span_marker", "gliner", "flair", "transformers_js", "mlx_lm", "mlx_vlm",
    "llama_cpp", "ctransformers", "petals", "adapters", "bitsandbytes", "tokenizers",
    "modelscope",  # ModelScope mirrors Hub ids (same repositories, same licenses)
)  # fmt: skip
# TRL trainers take the policy as an id string (``model="org/x"``) and some companions too
# (huggingface/trl, trl/trainer/*_trainer.py: ``model: str | PreTrainedModel``).
_TRL_TRAINERS = (
    "SFTTrainer", "DPOTrainer", "GRPOTrainer", "AsyncGRPOTrainer", "ORPOTrainer",
    "RewardTrainer", "KTOTrainer", "CPOTrainer", "BCOTrainer", "PPOTrainer", "RLOOTrainer",
    "OnlineDPOTrainer", "XPOTrainer", "NashMDTrainer", "GKDTrainer", "PRMTrainer",
    "IterativeSFTTrainer", "GOLDTrainer",
)  # fmt: skip
_TRL_COMPANIONS = ("ref_model", "reward_model", "teacher_model", "reward_funcs", "judge_model")
# smolagents model classes: ``model_id`` names a Hub model, a LiteLLM string or an API model
# (huggingface/smolagents, src/smolagents/models.py).
_SMOLAGENTS_HUB = ("InferenceClientModel", "HfApiModel", "TransformersModel", "VLLMModel",
                   "MLXModel")  # fmt: skip
_SMOLAGENTS_OPENAI = ("OpenAIServerModel", "OpenAIModel", "AzureOpenAIServerModel",
                      "AzureOpenAIModel")  # fmt: skip
# FlagEmbedding (FlagOpen/FlagEmbedding): every model class takes ``model_name_or_path`` first.
_FLAG_EMBEDDING = (
    "FlagModel", "BGEM3FlagModel", "FlagReranker", "FlagLLMReranker", "LayerWiseFlagLLMReranker",
    "LightWeightFlagLLMReranker", "FlagICLModel", "FlagLLMModel", "FlagAutoModel.from_finetuned",
    "FlagAutoReranker.from_finetuned",
)  # fmt: skip
# diffusers loader mixins: the first argument is a Hub id (or a local file/folder)
_DIFFUSERS_LOADERS = (
    "*.load_lora_weights", "*.load_ip_adapter", "*.load_textual_inversion", "*.from_single_file",
    "*.lora_state_dict",
)  # fmt: skip
_OPENAI_METHODS = (
    "*.chat.completions.create", "*.chat.completions.parse", "*.chat.completions.stream",
    "*.completions.create", "*.responses.create", "*.responses.parse", "*.responses.stream",
    "*.embeddings.create", "*.images.generate", "*.images.edit", "*.moderations.create",
    "*.audio.speech.create", "*.audio.transcriptions.create", "*.audio.translations.create",
    "*.ChatCompletion.create", "*.Completion.create", "*.Embedding.create",
)  # fmt: skip
_ULTRALYTICS = ("YOLO", "YOLOWorld", "YOLOE", "RTDETR", "SAM", "FastSAM", "NAS")
_MODEL = _arg(None, "model")
_MODEL_OR_NAME = _arg(None, "model", "model_name")

CALL_PATTERNS: tuple[CallPattern, ...] = (
    # Hugging Face ecosystem
    CallPattern("py.unsloth", ("unsloth",),
                ("FastLanguageModel.from_pretrained", "FastModel.from_pretrained",
                 "FastVisionModel.from_pretrained", "FastSentenceTransformer.from_pretrained"),
                _arg(0, "model_name"), _HF),
    CallPattern("py.trl", ("trl",), _TRL_TRAINERS, _arg(0, "model"), _HF,
                string_keywords=_TRL_COMPANIONS, string_only=True),
    CallPattern("py.diffusers_loader", ("diffusers",), _DIFFUSERS_LOADERS,
                _arg(0, "pretrained_model_name_or_path_or_dict", "pretrained_model_name_or_path",
                     "pretrained_model_link_or_path"), _HF),
    CallPattern("py.load_adapter", ("transformers", "peft"), ("*.load_adapter",),
                _arg(0, "peft_model_id", "model_id"), _HF),
    CallPattern("py.pipeline", ("transformers",), ("pipeline",), _arg(1, "model"), _HF,
                string_keywords=("tokenizer",)),
    CallPattern("py.peft_adapter", ("peft",), ("PeftModel*.from_pretrained",),
                _arg(1, "model_id"), _HF),
    CallPattern("py.llama_cpp", ("llama_cpp",), ("Llama.from_pretrained",), _arg(0, "repo_id"),
                _HF),
    CallPattern("py.from_pretrained", _HF_LIBRARIES, ("*.from_pretrained",),
                _arg(0, "pretrained_model_name_or_path", "model_name_or_path", "model_id"), _HF),
    # any library: a namespaced id, or a legacy canonical one (``bert-base-uncased``)
    CallPattern("py.from_pretrained.any", (), ("*.from_pretrained",),
                _arg(0, "pretrained_model_name_or_path", "model_name_or_path", "model_id"), _HF),
    CallPattern("py.sentence_transformers", ("sentence_transformers",),
                ("SentenceTransformer", "SparseEncoder"),
                _arg(0, "model_name_or_path", "model_name"), _HF,
                naming=Naming.SENTENCE_TRANSFORMERS),
    # CrossEncoder passes its name unchanged to AutoConfig/AutoModel.from_pretrained: no
    # "sentence-transformers/" prefix (UKPLab/sentence-transformers@85ec645,
    # sentence_transformers/cross_encoder/CrossEncoder.py, CrossEncoder.__init__; the prefix
    # lives only in SentenceTransformer.__init__, which SparseEncoder inherits).
    CallPattern("py.cross_encoder", ("sentence_transformers",), ("CrossEncoder",),
                _arg(0, "model_name_or_path", "model_name"), _HF),
    CallPattern("py.hf_hub", ("huggingface_hub",),
                ("hf_hub_download", "snapshot_download", "hf_hub_url", "*.hf_hub_download",
                 "*.snapshot_download"),
                _arg(0, "repo_id"), _HF, naming=Naming.HUB_REPO, option="repo_type"),
    CallPattern("py.hf_inference", ("huggingface_hub",),
                ("InferenceClient", "AsyncInferenceClient"), _arg(0, "model"), _HF),
    CallPattern("py.vllm", ("vllm",), ("LLM", "EngineArgs", "AsyncEngineArgs"), _arg(0, "model"),
                _HF),
    CallPattern("py.datasets", ("datasets",), ("load_dataset",), _arg(0, "path"),
                RefKind.DATASET, naming=Naming.DATASET),
    CallPattern("py.modelscope_hub", ("modelscope",),
                ("snapshot_download", "model_file_download", "*.snapshot_download"),
                _arg(0, "model_id", "repo_id"), _HF, naming=Naming.HUB_REPO, option="repo_type"),
    CallPattern("py.modelscope_pipeline", ("modelscope",), ("pipeline",), _arg(1, "model"), _HF),
    CallPattern("py.modelscope_dataset", ("modelscope",), ("MsDataset.load",),
                _arg(0, "dataset_name"), RefKind.DATASET, naming=Naming.DATASET),
    CallPattern("py.mlx", ("mlx_lm", "mlx_vlm"),
                ("load", "utils.load", "sharded_load", "utils.sharded_load"),
                _arg(0, "path_or_hf_repo", "model_path"), _HF),
    CallPattern("py.flag_embedding", ("FlagEmbedding",), _FLAG_EMBEDDING,
                _arg(0, "model_name_or_path"), _HF),
    CallPattern("py.faster_whisper", ("faster_whisper", "whisperx"),
                ("WhisperModel", "download_model", "load_model"),
                _arg(0, "model_size_or_path", "size_or_id", "whisper_arch"), _HF,
                naming=Naming.FASTER_WHISPER),
    CallPattern("py.ctranslate2", ("ctranslate2",),
                ("Translator", "Generator", "Encoder", "models.Whisper"), _arg(0, "model_path"),
                _HF, bare_ok=False),
    # Agent frameworks
    CallPattern("py.smolagents", ("smolagents",), _SMOLAGENTS_HUB, _arg(0, "model_id"), _HF),
    CallPattern("py.smolagents_litellm", ("smolagents",), ("LiteLLMModel",), _arg(0, "model_id"),
                RefKind.API, naming=Naming.LITELLM),
    CallPattern("py.smolagents_router", ("smolagents",), ("LiteLLMRouterModel",),
                _arg(1, "model_list"), RefKind.API, naming=Naming.LITELLM,
                path=("*", "litellm_params", "model")),
    CallPattern("py.smolagents_openai", ("smolagents",), _SMOLAGENTS_OPENAI, _arg(0, "model_id"),
                RefKind.API, naming=Naming.API, provider="openai"),
    CallPattern("py.smolagents_bedrock", ("smolagents",),
                ("AmazonBedrockServerModel", "AmazonBedrockModel"), _arg(0, "model_id"),
                RefKind.API, naming=Naming.API, provider="bedrock"),
    CallPattern("py.pydantic_ai", ("pydantic_ai",), ("Agent",), _arg(0, "model"), RefKind.API,
                naming=Naming.PROVIDER_MODEL),
    CallPattern("py.pydantic_ai_run", ("pydantic_ai",),
                ("*.run", "*.run_sync", "*.run_stream", "*.run_stream_events", "*.iter",
                 "*.override"), _MODEL, RefKind.API, naming=Naming.PROVIDER_MODEL),
    CallPattern("py.pydantic_ai_realtime", ("pydantic_ai",), ("*.realtime",), _arg(0, "model"),
                RefKind.API, naming=Naming.PROVIDER_MODEL),
    CallPattern("py.pydantic_ai_openai", ("pydantic_ai*",),
                ("OpenAIModel", "OpenAIChatModel", "OpenAIResponsesModel"), _arg(0, "model_name"),
                RefKind.API, naming=Naming.API, provider="openai"),
    CallPattern("py.pydantic_ai_anthropic", ("pydantic_ai*",), ("AnthropicModel",),
                _arg(0, "model_name"), RefKind.API, naming=Naming.API, provider="anthropic"),
    CallPattern("py.pydantic_ai_google", ("pydantic_ai*",), ("GeminiModel", "GoogleModel"),
                _arg(0, "model_name"), RefKind.API, naming=Naming.API, provider="google"),
    CallPattern("py.dspy", ("dspy",), ("LM", "Embedder"), _arg(0, "model"), RefKind.API,
                naming=Naming.LITELLM),
    CallPattern("py.instructor", ("instructor",), ("from_provider",), _arg(0, "model"),
                RefKind.API, naming=Naming.LITELLM),
    CallPattern("py.instructor_mistral", ("instructor",), ("from_mistral",), _MODEL, RefKind.API,
                naming=Naming.API, provider="mistral"),
    CallPattern("py.instructor_cohere", ("instructor",), ("from_cohere",), _MODEL, RefKind.API,
                naming=Naming.API, provider="cohere"),
    CallPattern("py.aisuite", ("aisuite",), ("*.chat.completions.create",), _MODEL, RefKind.API,
                naming=Naming.PROVIDER_MODEL),
    CallPattern("py.crewai", ("crewai",), ("LLM",), _arg(0, "model"), RefKind.API,
                naming=Naming.LITELLM),
    CallPattern("py.crewai_agent", ("crewai",), ("Agent",), _arg(None, "llm"), RefKind.API,
                naming=Naming.LITELLM, string_only=True),
    CallPattern("py.haystack_openai", ("haystack*",),
                ("OpenAIGenerator", "OpenAIChatGenerator", "OpenAITextEmbedder",
                 "OpenAIDocumentEmbedder"), _MODEL, RefKind.API, naming=Naming.API,
                provider="openai"),
    CallPattern("py.haystack_anthropic", ("haystack*",),
                ("AnthropicGenerator", "AnthropicChatGenerator"), _MODEL, RefKind.API,
                naming=Naming.API, provider="anthropic"),
    CallPattern("py.haystack_hf_api", ("haystack*",),
                ("HuggingFaceAPIGenerator", "HuggingFaceAPIChatGenerator",
                 "HuggingFaceAPITextEmbedder", "HuggingFaceAPIDocumentEmbedder"),
                _arg(1, "api_params"), _HF, path=("model",)),
    CallPattern("py.haystack_hf_local", ("haystack*",),
                ("HuggingFaceLocalGenerator", "HuggingFaceLocalChatGenerator"), _MODEL, _HF),
    CallPattern("py.haystack_sentence_transformers", ("haystack*",),
                ("SentenceTransformersTextEmbedder", "SentenceTransformersDocumentEmbedder",
                 "SentenceTransformersSimilarityRanker", "TransformersSimilarityRanker"),
                _MODEL, _HF, naming=Naming.SENTENCE_TRANSFORMERS),
    # Hosted APIs
    CallPattern("py.openai", ("openai",), _OPENAI_METHODS, _MODEL, RefKind.API,
                naming=Naming.API, provider="openai"),
    # OpenAI-compatible SDKs of other providers (same client methods)
    CallPattern("py.groq", ("groq",), _OPENAI_METHODS, _MODEL, RefKind.API, naming=Naming.API,
                provider="groq"),
    CallPattern("py.together", ("together",), _OPENAI_METHODS, _MODEL, RefKind.API,
                naming=Naming.API, provider="together"),
    CallPattern("py.cerebras", ("cerebras*",), _OPENAI_METHODS, _MODEL, RefKind.API,
                naming=Naming.API, provider="cerebras"),
    CallPattern("py.anthropic", ("anthropic",),
                ("*.messages.create", "*.messages.stream", "*.messages.parse",
                 "*.messages.count_tokens", "*.completions.create"),
                _MODEL, RefKind.API, naming=Naming.API, provider="anthropic"),
    CallPattern("py.google_generativeai", ("google.generativeai", "google.genai"),
                ("GenerativeModel",), _arg(0, "model_name", "model"), RefKind.API,
                naming=Naming.API, provider="google"),
    CallPattern("py.google_genai", ("google.genai", "google.generativeai"),
                ("*.models.generate_content", "*.models.generate_content_stream",
                 "*.models.embed_content", "*.models.count_tokens", "*.models.generate_images",
                 "*.chats.create", "embed_content"),
                _MODEL, RefKind.API, naming=Naming.API, provider="google"),
    CallPattern("py.mistral", ("mistralai",),
                ("*.chat.complete", "*.chat.complete_async", "*.chat.stream",
                 "*.chat.stream_async", "*.fim.complete", "*.embeddings.create", "*.chat",
                 "*.chat_stream", "*.embeddings"),
                _MODEL, RefKind.API, naming=Naming.API, provider="mistral"),
    CallPattern("py.cohere", ("cohere",),
                ("*.chat", "*.chat_stream", "*.embed", "*.generate", "*.rerank", "*.classify"),
                _MODEL, RefKind.API, naming=Naming.API, provider="cohere"),
    CallPattern("py.litellm", ("litellm",),
                ("completion", "acompletion", "embedding", "aembedding", "text_completion",
                 "atext_completion", "image_generation", "transcription", "speech"),
                _arg(0, "model"), RefKind.API, naming=Naming.LITELLM),
    # litellm.Router(model_list=[{"model_name": alias, "litellm_params": {"model": ...}}])
    CallPattern("py.litellm_router", ("litellm",), ("Router",), _arg(0, "model_list"),
                RefKind.API, naming=Naming.LITELLM, path=("*", "litellm_params", "model")),
    CallPattern("py.langchain_openai", ("langchain*",),
                ("ChatOpenAI", "OpenAI", "OpenAIEmbeddings"), _MODEL_OR_NAME, RefKind.API,
                naming=Naming.API, provider="openai"),
    CallPattern("py.langchain_anthropic", ("langchain*",), ("ChatAnthropic", "AnthropicLLM"),
                _MODEL_OR_NAME, RefKind.API, naming=Naming.API, provider="anthropic"),
    CallPattern("py.langchain_google", ("langchain*",),
                ("ChatGoogleGenerativeAI", "GoogleGenerativeAI", "GoogleGenerativeAIEmbeddings",
                 "ChatVertexAI"),
                _MODEL_OR_NAME, RefKind.API, naming=Naming.API, provider="google"),
    CallPattern("py.langchain_mistral", ("langchain*",), ("ChatMistralAI", "MistralAIEmbeddings"),
                _MODEL_OR_NAME, RefKind.API, naming=Naming.API, provider="mistral"),
    CallPattern("py.langchain_cohere", ("langchain*",), ("ChatCohere", "CohereEmbeddings"),
                _MODEL_OR_NAME, RefKind.API, naming=Naming.API, provider="cohere"),
    CallPattern("py.langchain_huggingface_embeddings", ("langchain*",),
                ("HuggingFaceEmbeddings", "HuggingFaceBgeEmbeddings"),
                _arg(None, "model_name", "model"), _HF, naming=Naming.SENTENCE_TRANSFORMERS),
    CallPattern("py.langchain_huggingface", ("langchain*",),
                ("HuggingFacePipeline.from_model_id", "HuggingFaceEndpoint"),
                _arg(None, "model_id", "repo_id", "model"), _HF),
    CallPattern("py.langchain_init_chat_model", ("langchain*",),
                ("init_chat_model", "init_embeddings"), _arg(0, "model"), RefKind.API,
                naming=Naming.LANGCHAIN, option="model_provider"),
    CallPattern("py.langchain_ollama", ("langchain*",),
                ("ChatOllama", "OllamaLLM", "Ollama", "OllamaEmbeddings"), _MODEL,
                RefKind.OLLAMA, naming=Naming.OLLAMA),
    CallPattern("py.ollama", ("ollama",),
                ("chat", "generate", "embed", "embeddings", "pull", "show", "*.chat",
                 "*.generate", "*.embed", "*.embeddings", "*.pull", "*.show"),
                _arg(0, "model"), RefKind.OLLAMA, naming=Naming.OLLAMA),
    # LlamaIndex integrations (llama_index.llms.*, llama_index.embeddings.*)
    CallPattern("py.llama_index_openai", ("llama_index*",),
                ("OpenAI", "AzureOpenAI", "OpenAIResponses", "OpenAIEmbedding",
                 "AzureOpenAIEmbedding"),
                _MODEL_OR_NAME, RefKind.API, naming=Naming.API, provider="openai"),
    CallPattern("py.llama_index_anthropic", ("llama_index*",), ("Anthropic",), _MODEL,
                RefKind.API, naming=Naming.API, provider="anthropic"),
    CallPattern("py.llama_index_google", ("llama_index*",),
                ("Gemini", "GoogleGenAI", "GeminiEmbedding", "GoogleGenAIEmbedding", "Vertex"),
                _MODEL_OR_NAME, RefKind.API, naming=Naming.API, provider="google"),
    CallPattern("py.llama_index_mistral", ("llama_index*",), ("MistralAI", "MistralAIEmbedding"),
                _MODEL_OR_NAME, RefKind.API, naming=Naming.API, provider="mistral"),
    CallPattern("py.llama_index_cohere", ("llama_index*",), ("Cohere", "CohereEmbedding"),
                _MODEL_OR_NAME, RefKind.API, naming=Naming.API, provider="cohere"),
    CallPattern("py.llama_index_ollama", ("llama_index*",), ("Ollama", "OllamaEmbedding"),
                _MODEL_OR_NAME, RefKind.OLLAMA, naming=Naming.OLLAMA),
    CallPattern("py.llama_index_huggingface_embeddings", ("llama_index*",),
                ("HuggingFaceEmbedding",), _arg(None, "model_name"), _HF,
                naming=Naming.SENTENCE_TRANSFORMERS),
    CallPattern("py.llama_index_huggingface", ("llama_index*",),
                ("HuggingFaceLLM", "HuggingFaceInferenceAPI"), _arg(None, "model_name", "model"),
                _HF, string_keywords=("tokenizer_name",)),
    # Other model libraries
    CallPattern("py.ultralytics", ("ultralytics",),
                (*_ULTRALYTICS, *(f"{name}.load" for name in _ULTRALYTICS)),
                _arg(0, "model", "weights"), RefKind.ULTRALYTICS, naming=Naming.ULTRALYTICS),
    CallPattern("py.torch_hub", ("torch",), ("hub.load",), _arg(0, "repo_or_dir"),
                RefKind.TORCH_HUB, naming=Naming.TORCH_HUB, pair=_arg(1, "model"),
                option="source"),
    CallPattern("py.timm", ("timm",), ("create_model",), _arg(0, "model_name"), RefKind.TIMM,
                naming=Naming.TIMM, option="pretrained"),
    CallPattern("py.open_clip", ("open_clip",),
                ("create_model_and_transforms", "create_model", "create_model_from_pretrained"),
                _arg(0, "model_name"), RefKind.OPEN_CLIP, naming=Naming.OPEN_CLIP,
                pair=_arg(1, "pretrained")),
    CallPattern("py.whisper", ("whisper",), ("load_model",), _arg(0, "name"), _HF,
                naming=Naming.WHISPER),
    CallPattern("py.spacy", ("spacy",), ("load",), _arg(0, "name"), RefKind.SPACY,
                naming=Naming.SPACY),
)  # fmt: skip


def _trigger_words() -> re.Pattern[str]:
    words = {spec.rsplit(".", 1)[-1] for row in CALL_PATTERNS for spec in row.callables}
    return re.compile("(" + any_word(words) + r")(?:\[[^\]\n]{0,200}\])?(?:[\s\\]*\(|\s+as\s)")


TRIGGERS = _trigger_words()
"""A call (of a generic class too, ``Agent[Deps](``), or an import alias, of the last name of any
pattern's callable (group 1: the name)."""


@dataclass(frozen=True, slots=True)
class _Need:
    """What else a file must contain for one callable spec to match one of its calls."""

    words: tuple[re.Pattern[str], ...]  # the spec's other dotted parts, as whole words
    roots: tuple[str, ...]  # top-level names of the row's libraries ("" = any receiver)


def _needs() -> dict[str, tuple[_Need, ...]]:
    """For each trigger word, what each spec ending in it needs besides the call itself."""
    needs: dict[str, list[_Need]] = {}
    for row in CALL_PATTERNS:
        roots = {lib.split(".")[0].rstrip("*") for lib in row.libraries} if row.libraries else {""}
        for spec in row.callables:
            *parts, last = spec.removeprefix("*.").split(".")
            words = tuple(re.compile(rf"\b{re.escape(p)}\b") for p in parts if "*" not in p)
            needs.setdefault(last, []).append(_Need(words, tuple(sorted(roots))))
    return {word: tuple(dict.fromkeys(rows)) for word, rows in needs.items()}


_NEEDS = _needs()


def may_contain_call(text: str) -> bool:
    """Cheap prefilter: False when no row can match (a loader call with its library named).

    A spec ``*.chat.completions.create`` of a row for ``openai`` needs a call ``create(``, the
    words ``chat`` and ``completions`` and the text ``openai`` (imported, or no row can match).
    """
    return any(
        any(
            any(root in text for root in need.roots)
            and all(word.search(text) for word in need.words)
            for need in _NEEDS[word]
        )
        for word in set(TRIGGERS.findall(text))
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class CallName:
    """A call's callee as dotted parts; ``qualified`` when its head came from an import."""

    parts: tuple[str, ...]
    qualified: bool


def module_matches(dotted: str, library: str) -> bool:
    """True when ``dotted`` (a module or a name in it) belongs to the ``library`` glob."""
    return fnmatchcase(dotted, library) or fnmatchcase(dotted, library + ".*")


class Callables(Protocol):
    """A table row naming callables: the libraries providing them and their dotted specs."""

    @property
    def libraries(self) -> tuple[str, ...]: ...

    @property
    def callables(self) -> tuple[str, ...]: ...


Row = TypeVar("Row", bound=Callables)


def by_last_name(rows: Iterable[Row]) -> dict[str, tuple[tuple[Row, str], ...]]:
    """Each callable's last name -> the rows (with the spec) that name it, in table order."""
    table: dict[str, list[tuple[Row, str]]] = {}
    for row in rows:
        for spec in row.callables:
            table.setdefault(spec.rsplit(".", 1)[-1], []).append((row, spec))
    return {name: tuple(found) for name, found in table.items()}


def first_match(
    index: Mapping[str, tuple[tuple[Row, str], ...]], name: CallName, imported: frozenset[str]
) -> Row | None:
    """The first row of ``index`` matching a callee, given the file's imported names."""
    for row, spec in index.get(name.parts[-1], ()):
        if _matches(name, spec, row.libraries, imported):
            return row
    return None


_BY_LAST_NAME = by_last_name(CALL_PATTERNS)


def match_call(name: CallName, imported: frozenset[str]) -> CallPattern | None:
    """The first row of CALL_PATTERNS matching a callee, given the file's imported names."""
    return first_match(_BY_LAST_NAME, name, imported)


def _matches(
    name: CallName, spec: str, libraries: tuple[str, ...], imported: frozenset[str]
) -> bool:
    method = spec.startswith("*.")
    wanted = spec.removeprefix("*.").split(".")
    parts = name.parts
    if len(parts) < len(wanted) + (1 if method else 0):
        return False
    if not all(fnmatchcase(p, w) for p, w in zip(parts[-len(wanted) :], wanted, strict=True)):
        return False
    if not libraries:
        return method
    if name.qualified:
        dotted = ".".join(parts)
        return any(module_matches(dotted, lib) for lib in libraries)
    return method and any(module_matches(m, lib) for m in imported for lib in libraries)
