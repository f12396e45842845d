"""Issue #18: never guess a permissive license. Derivative and family rules must not over-reach.

An id the database does not list (a quantised copy, a fine-tune, a merge, a new size or variant)
is resolved only when its name is exactly a known base's, by that base's organisation or a known
re-packager, or when a family rule lists it; of several matching rules the strictest license wins.
Everything else is unknown, and ``LicenseDB.near_miss`` says which known model it resembles.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

import license_db
from license_db.db import LicenseDB
from license_db.loader import read_bundle
from license_db.permissive import NOTHING, UNVERIFIED, dominates, grant, more_permissive
from license_db.records import PatternRule
from license_db.schema import Commercial, LicenseTerms, Match, Rule
from tests.test_license_db_resolve import FAMILY

DB = license_db.load()


def _terms(license_id: str) -> LicenseTerms:
    terms = DB.license(license_id)
    assert terms is not None, license_id
    return terms


# -- "more permissive", from the license terms --------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("apache-2.0", "llama3.1", True),  # commercial use without conditions beats a MAU cap
        ("llama3.1", "apache-2.0", False),
        ("apache-2.0", "qwen", True),  # Qwen2.5-72B: 100M-user limit, "Built with Qwen"
        ("qwen", "qwen-research", True),  # conditional commercial use beats research only
        ("cc-by-nc-4.0", "qwen-research", True),  # any non-commercial use beats research only
        ("llama3", "cc-by-nc-4.0", True),  # the CC-BY-NC role-play fine-tune of Llama 3
        ("apache-2.0", "flux-1-dev-non-commercial-license", True),
        ("apache-2.0", "gpl-3.0", True),  # same commercial standing, fewer duties (share-alike)
        ("apache-2.0", "gemma", True),  # same standing, no use restrictions to flow down
        ("apache-2.0", "unknown", True),
        ("unknown", "cc-by-nc-4.0", False),  # an unverified license never outranks a known one
        ("mit", "apache-2.0", False),  # the same grants: neither is more permissive
        ("apache-2.0", "mit", False),
        ("llama3.1", "qwen", False),  # qwen's use restrictions are unverified: not comparable
        ("qwen", "llama3.1", False),
        ("mit", "mit", False),
    ],
)
def test_more_permissive(a: str, b: str, expected: bool) -> None:
    assert more_permissive(_terms(a), _terms(b)) is expected
    assert DB.more_permissive(a, b) is expected
    if expected:  # a strict order: never both ways
        assert not more_permissive(_terms(b), _terms(a))


def test_limits_and_unverified_terms_count_against_a_license() -> None:
    llama = _terms("llama3.1")
    lower_cap = dataclasses.replace(llama, mau_limit=100_000_000)
    unverified_cap = dataclasses.replace(llama, mau_limit=None, missing=("mau_limit",))
    no_cap = dataclasses.replace(llama, mau_limit=None)
    assert more_permissive(llama, lower_cap) and not more_permissive(lower_cap, llama)
    assert more_permissive(llama, unverified_cap)  # a cap nobody checked counts as none granted
    assert more_permissive(no_cap, llama)
    unverified_uses = dataclasses.replace(llama, missing=("use_restrictions",))
    assert UNVERIFIED in grant(unverified_uses).restrictions
    assert more_permissive(llama, unverified_uses)
    unknown_commercial = dataclasses.replace(llama, commercial=Commercial.UNKNOWN)
    assert more_permissive(_terms("qwen-research"), unknown_commercial)
    assert dominates(grant(_terms("unknown")), NOTHING)  # nothing is stricter than NOTHING


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("mit", "mit AND llama3.1", True),  # AND: every branch applies, the stricter axis holds
        ("mit AND llama3.1", "llama3.1", False),
        ("llama3.1", "mit AND llama3.1", False),  # the same grants as llama3.1 alone
        ("mit OR cc-by-nc-4.0", "cc-by-nc-4.0", True),  # OR: the freer branch may be chosen
        ("cc-by-nc-4.0", "mit OR cc-by-nc-4.0", False),
        ("mit", "no-such-license", True),  # a license the database does not know grants nothing
        ("mit", "not ( an expression", True),
    ],
)
def test_more_permissive_on_expressions(a: str, b: str, expected: bool) -> None:
    assert DB.more_permissive(a, b) is expected


# -- the strictest candidate wins ---------------------------------------------------------------


def _rule(rule_id: str, match: str, license_id: str) -> PatternRule:
    return PatternRule(rule_id, match, license_id, "https://example.org/source", "test rule")


def _db_with(*family: PatternRule) -> LicenseDB:
    return LicenseDB(dataclasses.replace(read_bundle(), family=family))


@pytest.mark.parametrize("reverse", [False, True])
def test_the_strictest_matching_rule_wins_whatever_the_order(reverse: bool) -> None:
    wide = _rule("wide", r"qwen/qwen9-(7b|72b)(-instruct)?", "apache-2.0")
    narrow = _rule("narrow", r"qwen/qwen9-72b(-instruct)?", "qwen")
    rules = (narrow, wide)[::-1] if reverse else (narrow, wide)
    db = _db_with(*rules)
    found = db.lookup("Qwen/Qwen9-72B-Instruct")
    assert found is not None and (found.license, found.rule_id) == ("qwen", "narrow")
    found = db.lookup("Qwen/Qwen9-7B")
    assert found is not None and (found.license, found.rule_id) == ("apache-2.0", "wide")
    found = db.lookup("bartowski/Qwen9-72B-Instruct-GGUF")  # by name, for a re-packager
    assert found is not None and (found.license, found.rule) == ("qwen", Rule.DERIVATIVE)


def test_no_strictest_rule_leaves_the_id_unknown_with_both_named() -> None:
    db = _db_with(
        _rule("a-qwen", r"someorg/model-9b", "qwen"),
        _rule("b-llama", r"someorg/model-9b(-it)?", "llama3.1"),
    )
    assert db.lookup("someorg/model-9b") is None  # each grants something the other withholds
    assert db.lookup("bartowski/model-9b-GGUF") is None
    reason = db.near_miss("someorg/model-9b")
    assert reason is not None and "a-qwen (qwen)" in reason and "b-llama (llama3.1)" in reason
    found = db.lookup("someorg/model-9b-it")  # only one rule lists it
    assert found is not None and found.license == "llama3.1"


def test_strictest() -> None:
    apache = _rule("apache", "x/a", "apache-2.0")
    qwen = _rule("qwen", "x/a", "qwen")
    other_qwen = _rule("qwen-2", "x/a", "qwen")
    llama = _rule("llama", "x/a", "llama3.1")
    assert DB.strictest([apache, qwen]) is qwen
    assert DB.strictest([qwen, apache, other_qwen]) is qwen  # the first of the winning license
    assert DB.strictest([qwen, llama]) is None
    assert DB.strictest([apache]) is apache
    assert DB.strictest([]) is None


# -- over-reach cases of the issue: realistic community ids -------------------------------------

OVERREACH: list[tuple[str, str, str]] = [
    # (id, the base near_miss names, that base's license); every one was resolved to the base's
    # (or a more permissive) license before issue #18 and is unknown now
    # CC-BY-NC role-play fine-tunes of Llama 3 / 3.1, re-packaged
    ("bartowski/Meta-Llama-3-8B-Instruct-roleplay-GGUF", "meta-llama/Meta-Llama-3-8B-Instruct",
     "llama3"),
    ("mradermacher/Llama-3-8B-Stheno-RP-i1-GGUF", "meta-llama/Llama-3-8B", "llama3"),
    ("Lewdiculous/Llama-3.1-8B-Stheno-v3.4-GGUF-IQ-Imatrix", "meta-llama/Llama-3.1-8B",
     "llama3.1"),
    ("unsloth/Llama-3.2-3B-Instruct-uncensored-bnb-4bit", "meta-llama/Llama-3.2-3B-Instruct",
     "llama3.2"),
    ("TheBloke/Llama-2-7B-Chat-merged-GGUF", "meta-llama/Llama-2-7b-chat", "llama2"),
    ("QuantFactory/Llama-3.2-3B-Agent007-GGUF", "meta-llama/Llama-3.2-3B", "llama3.2"),
    # merges shipping the FLUX.1 [dev] non-commercial license were Apache-2.0 through schnell
    ("drbaph/FLUX.1-schnell-dev-merged-fp8", "black-forest-labs/FLUX.1-schnell", "apache-2.0"),
    ("mradermacher/FLUX.1-schnell-dev-merged-GGUF", "black-forest-labs/FLUX.1-schnell",
     "apache-2.0"),
    ("someone/FLUX.1-dev-merged-GGUF", "black-forest-labs/FLUX.1-dev",
     "flux-1-dev-non-commercial-license"),
    # GPL-licensed uncensored / abliterated Qwen2.5 fine-tunes were Apache-2.0
    ("mradermacher/Qwen2.5-7B-Instruct-Uncensored-GGUF", "Qwen/Qwen2.5-7B-Instruct",
     "apache-2.0"),
    ("bartowski/Qwen2.5-7B-Instruct-abliterated-GGUF", "Qwen/Qwen2.5-7B-Instruct", "apache-2.0"),
    ("mradermacher/Mistral-7B-v0.1-roleplay-i1-GGUF", "mistralai/Mistral-7B-v0.1", "apache-2.0"),
    ("openai/whisper-large-v3-uncensored", "openai/whisper-large-v3", "mit"),
    # a copy by an organisation that is neither the publisher nor a known re-packager
    ("city96/FLUX.1-dev-gguf", "black-forest-labs/FLUX.1-dev",
     "flux-1-dev-non-commercial-license"),
    ("someorg/Llama-3.2-1B-Instruct", "meta-llama/Llama-3.2-1B-Instruct", "llama3.2"),
    # issue 16 families: a GGUF by a non-repackager (LocalAI gallery), fine-tune words
    ("city96/Wan2.1-I2V-14B-480P-gguf", "Wan-AI/Wan2.1-I2V-14B-480P", "apache-2.0"),
    ("mradermacher/Qwen3-VL-8B-Instruct-abliterated-GGUF", "Qwen/Qwen3-VL-8B-Instruct",
     "apache-2.0"),
    ("bartowski/SmolLM3-3B-roleplay-GGUF", "HuggingFaceTB/SmolLM3-3B", "apache-2.0"),
    ("someone/Kimi-K2-Instruct-merged", "moonshotai/Kimi-K2-Instruct", "modified-mit-kimi"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "base", "base_license"), OVERREACH)
def test_fine_tunes_merges_and_foreign_copies_are_unknown(
    query: str, base: str, base_license: str
) -> None:
    assert DB.lookup(query) is None
    reason = DB.near_miss(query)
    assert reason is not None
    assert reason.startswith(f"possible fine-tune of {base} (license of {base}: {base_license})")


# Qwen2.5 Math / PRM / RM models (the Qwen license at 72B, and some 7B reward models) and other
# sizes or variants no rule lists: unknown, never the family's Apache-2.0 default
UNLISTED: list[tuple[str, str]] = [
    ("Qwen/Qwen2.5-Math-72B", "qwen"),
    ("Qwen/Qwen2.5-Math-72B-Instruct", "qwen"),
    ("Qwen/Qwen2.5-Math-PRM-72B", "qwen"),
    ("Qwen/Qwen2.5-Math-RM-72B", "qwen"),
    ("Qwen/Qwen2.5-Math-PRM-7B", "qwen"),
    ("Qwen/Qwen2.5-Math-7B-PRM800K", "qwen"),
    ("Qwen/Qwen2.5-Math-1.5B", "qwen"),
    ("Qwen/Qwen2.5-VL-32B-Instruct", "qwen"),
    ("Qwen/Qwen3.6-27B", "qwen"),  # a gallery says the Qwen license: no rule lists it
    ("bartowski/Qwen2.5-Math-72B-Instruct-GGUF", ""),  # re-packaged: still no listed base
    ("meta-llama/Llama-3.2-3B-Instruct-Custom", "meta-llama"),
    ("meta-llama/Llama-5-8B", "meta-llama"),
    ("google/gemma-3-4b-it-uncensored", "google"),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-3B", "deepseek-ai"),  # no such distill size
    ("LiquidAI/LFM2.5-2.6B", "liquidai"),  # LFM2.5 is not LFM2
    # issue 16: sizes and releases the qwen3 and wan rules do not list
    ("Qwen/Qwen3-VL-235B-A22B-Instruct", "qwen"),
    ("Qwen/Qwen3-Next-80B-A3B-Instruct", "qwen"),
    ("Wan-AI/Wan2.2-TI2V-5B", "wan-ai"),
    ("Wan-AI/Wan2.2-Animate-14B", "wan-ai"),
    ("tencent/HunyuanVideo-PromptRewrite", "tencent"),  # Hunyuan-Large based: tencent-license
    # the other direction: an organisation's Apache-2.0 model is not its non-commercial family
    ("CohereForAI/aya-101", "cohereforai"),
    ("CohereLabs/aya-101", "coherelabs"),
]


@pytest.mark.parametrize(("query", "org"), UNLISTED)
def test_sizes_and_variants_no_rule_lists_are_unknown(query: str, org: str) -> None:
    assert DB.lookup(query) is None
    if org:
        reason = DB.near_miss(query)
        assert reason is not None
        assert reason.startswith((f"no family rule of {org!r}", "possible fine-tune of "))


def test_a_model_that_moved_license_keeps_its_new_license_next_to_the_old_family() -> None:
    # SVD-XT 1.1 moved to the Community License; the svd rule lists only the two older models,
    # so the strictest-wins rule has no non-commercial candidate to fall back to
    rules = DB._family.all("stabilityai/stable-video-diffusion-img2vid-xt-1-1")
    assert [r.id for r in rules] == ["svd-xt-1-1"]
    found = DB.lookup("stabilityai/stable-video-diffusion-img2vid-xt-1-1-GGUF")
    assert found is not None and found.license == "stabilityai-ai-community"


@pytest.mark.parametrize(
    ("query", "license_id", "base"),
    [
        ("unsloth/Llama-3.2-1B-Instruct-bnb-4bit", "llama3.2", "meta-llama/Llama-3.2-1B-Instruct"),
        ("Qwen/Qwen2.5-72B-Instruct-AWQ", "qwen", "Qwen/Qwen2.5-72B-Instruct"),
        ("bartowski/Qwen2.5-Math-7B", None, None),  # a re-packager's name must still be a base
        ("black-forest-labs/FLUX.1-dev-fp8", "flux-1-dev-non-commercial-license",
         "black-forest-labs/FLUX.1-dev"),
        ("mistralai/Mistral-Large-Instruct-2411-FP8", "mrl",
         "mistralai/Mistral-Large-Instruct-2411"),
    ],
)  # fmt: skip
def test_exact_copies_still_inherit(query: str, license_id: str | None, base: str | None) -> None:
    found = DB.lookup(query)
    if license_id is None:
        assert found is None
        return
    assert found is not None
    assert (found.license, found.base_model, found.rule, found.inferred) == (
        license_id,
        base,
        Rule.DERIVATIVE,
        True,
    )


def test_near_miss_is_none_for_known_and_for_unrelated_ids() -> None:
    assert DB.near_miss("meta-llama/Llama-3.2-1B-Instruct") is None  # resolves
    assert DB.near_miss("unsloth/Llama-3.2-1B-Instruct-bnb-4bit") is None  # resolves
    assert DB.near_miss("someone/my-private-model") is None
    assert DB.near_miss("gpt2") is None  # a legacy alias: resolves
    assert DB.near_miss("") is None


# -- the property over the whole database -------------------------------------------------------

FINE_TUNE_WORDS = ("-uncensored", "-merged", "-roleplay", "-abliterated", "-finetuned-xyz",
                   "-dpo", "-instruct-v2-custom", "-lora")  # fmt: skip
AFTER = ("", "-GGUF", "-i1-GGUF", "-bnb-4bit")  # quantisation markers after a fine-tune word
ORGS = (None, "bartowski", "someone-else")  # the base's own, a known re-packager, anyone
HUB = [m for m in DB.models() if m.kind == "huggingface" and "/" in m.model_id]
RECORDS = {m.model_id.lower() for m in DB.models()}


def _more_permissive_than_base(found: Match | None, query: str, base_license: str) -> bool:
    if found is None or query.lower() in RECORDS or found.rule in (Rule.EXACT, Rule.ALIAS):
        return False  # unknown, or an id the database lists itself (a fact, not a guess)
    return DB.more_permissive(found.license, base_license)


@pytest.mark.parametrize("word", FINE_TUNE_WORDS)
def test_appending_a_fine_tune_word_never_yields_a_more_permissive_license(word: str) -> None:
    wrong = []
    for record in HUB:
        org, name = record.model_id.split("/", 1)
        for marker in AFTER:
            for other in ORGS:
                query = f"{other or org}/{name}{word}{marker}"
                found = DB.lookup(query)
                if _more_permissive_than_base(found, query, record.license):
                    wrong.append((query, record.license, found and found.license))
    assert wrong == []


def test_a_pure_quantisation_suffix_of_an_exact_id_keeps_the_base_license() -> None:
    wrong = []
    for record in HUB:
        for marker in ("-GGUF", "-AWQ", "-bnb-4bit"):
            query = record.model_id + marker
            found = DB.lookup(query)
            if query.lower() in RECORDS:
                continue
            if found is None or DB.more_permissive(found.license, record.license):
                wrong.append((query, record.license, found and found.license))
    assert wrong == []


# -- the narrowed family rules still cover their families' verified rows -----------------------

SCOPES: dict[str, str] = {
    "llama-guard-2": r"meta\-llama/llama\-guard\-2\-.*",
    "llama-guard-3-8b": r"meta\-llama/llama\-guard\-3\-8b.*",
    "llama-guard-3-1b-11b": r"meta-llama/llama-guard-3-(1b|11b-vision)(-.*)?",
    "llama-2": r"meta-llama/llama-2-.*",
    "llama-3": r"meta-llama/(meta-)?llama-3-.*",
    "llama-3.1": r"meta-llama/(meta-)?llama-3\.1-.*",
    "llama-3.2": r"meta\-llama/llama\-3\.2\-.*",
    "llama-3.3": r"meta\-llama/llama\-3\.3\-.*",
    "llama-4": r"meta\-llama/llama\-4\-.*",
    "codellama": r"(meta-llama|codellama)/codellama-.*",
    "gemma": r"google/(code|recurrent|shield|embedding|pali)?gemma(-1\.1|-2|-3n?)?-.*",
    "qwen-image": r"qwen/qwen\-image.*",
    "qwen-v1-1.8b-research": r"qwen/qwen\-1_8b.*",
    "qwen-v1": r"qwen/qwen-(7b|14b|72b)(-.*)?",
    "qwen1.5-0.5b-research": r"qwen/qwen1\.5\-0\.5b.*",
    "qwen1.5": r"qwen/(qwen1\.5-(7b|14b|32b|72b|110b|moe-a2\.7b)|codeqwen1\.5-7b)(-.*)?",
    "qwen2-72b": r"qwen/qwen2\-72b.*",
    "qwen2-vl-72b": r"qwen/qwen2\-vl\-72b.*",
    "qwen2": r"qwen/qwen2-(0\.5b|1\.5b|7b|57b-a14b|vl-2b|vl-7b)(-.*)?",
    "qwen2.5-3b-research": r"qwen/qwen2\.5-(coder-|vl-)?3b(-.*)?",
    "qwen2.5-72b": r"qwen/qwen2\.5-(vl-)?72b(-.*)?",
    "qwen2.5": r"qwen/qwen2\.5\-.*",
    "qwen3": r"qwen/(qwen3|qwq-).*",
    "mistral-mnpl": r"mistralai/codestral\-22b.*",
    "mistral-mrl": r"mistralai/(mistral-large-instruct-24(07|11)|ministral-8b-instruct-2410|mistral-small-instruct-2409|pixtral-large-instruct-2411)(-.*)?",  # noqa: E501
    "mistral-modified-mit": r"mistralai/(devstral-2-123b|mistral-medium-3\.5).*",
    "mistral-voxtral-tts": r"mistralai/voxtral\-4b\-tts.*",
    "mistral-apache": r"mistralai/(mistral-7b-|mixtral-8x|mistral-nemo-|mistral-small-(24b|3\.|4-)|mistral-large-3-|mathstral-|mamba-codestral-|devstral-small-|magistral-small-|ministral-3-|pixtral-12b-|voxtral-(mini|small)-|leanstral-|shieldstral-).*",  # noqa: E501
    "flux1-schnell": r"black\-forest\-labs/flux\.1\-schnell.*",
    "flux1-dev": r"black\-forest\-labs/flux\.1\-.*dev.*",
    "sdxl-0.9": r"stabilityai/stable\-diffusion\-xl\-.*\-0\.9",
    "sdxl": r"stabilityai/stable\-diffusion\-xl\-.*",
    "sd2": r"stabilityai/stable-diffusion-(2|x4-upscaler).*",
    "sd3": r"stabilityai/stable\-diffusion\-3.*",
    "svd-xt-1-1": r"stabilityai/stable\-video\-diffusion\-img2vid\-xt\-1\-1.*",
    "svd": r"stabilityai/stable\-video\-diffusion\-.*",
    "stablelm-tuned-alpha": r"stabilityai/stablelm\-tuned\-alpha\-.*",
    "stablelm-base": r"stabilityai/stablelm-(base-alpha-.*|3b-4e1t)",
    "sd1": r"(compvis|runwayml)/stable-diffusion-v1-.*",
    "deepfloyd-if": r"deepfloyd/if\-.*",
    "bigcode-starcoder": r"bigcode/(starcoder.*|santacoder)",
    "bigscience-bloom": r"bigscience/bloom.*",
    "deepseek-r1-distill-qwen": r"deepseek\-ai/deepseek\-r1\-distill\-qwen\-.*",
    "deepseek-r1-distill-llama-8b": r"deepseek\-ai/deepseek\-r1\-distill\-llama\-8b.*",
    "deepseek-r1-distill-llama-70b": r"deepseek\-ai/deepseek\-r1\-distill\-llama\-70b.*",
    "deepseek-r1": r"deepseek\-ai/deepseek\-r1.*",
    "deepseek-v4": r"deepseek\-ai/deepseek\-v4.*",
    "deepseek-license": r"deepseek-ai/(deepseek-(llm|moe|coder)-.*|deepseek-v2(\.5)?(-.*)?|deepseek-v3(-base)?)",  # noqa: E501
    "phi-mit": r"microsoft/phi-(1_5|2|3|3\.5|4)(-.*)?",
    "falcon-180b": r"tiiuae/falcon\-180b.*",
    "falcon-7b-40b": r"tiiuae/falcon-(7b|40b)(-.*)?",
    "falcon-2-3": r"tiiuae/(falcon3-.*|falcon-11b.*)",
    "falcon-h1": r"tiiuae/falcon\-h1\-.*",
    "cohere-c4ai": r"(cohereforai|coherelabs)/(c4ai-command-|aya-).*",
    "pythia": r"eleutherai/pythia\-.*",
    "liquid-lfm2": r"liquidai/lfm2.*",
    "sentence-transformers-clip": r"sentence\-transformers/clip\-.*",
    "sentence-transformers": r"sentence\-transformers/.*",
    "openai-clip": r"openai/clip\-.*",
    "openai-whisper": r"openai/whisper\-.*",
    "openai-gpt-oss": r"openai/gpt\-oss\-.*",
    "openai-gpt2": r"openai\-community/gpt2.*",
    "opus-mt": r"helsinki\-nlp/opus\-mt\-.*",
    "ibm-granite": r"ibm\-granite/granite\-.*",
    "yi": r"01\-ai/yi\-.*",
    "dbrx": r"databricks/dbrx\-.*",
}
"""Each narrowed rule's broad pattern before issue #18: the family whose verified rows it covers."""


@pytest.mark.parametrize("rule", DB.family_rules(), ids=lambda r: r.id)
def test_a_narrowed_rule_covers_its_familys_verified_rows(rule: PatternRule) -> None:
    scope = re.compile(SCOPES.get(rule.id, rule.match))
    narrowed = re.compile(rule.match)
    for record in DB.models():
        lowered = record.model_id.lower()
        if narrowed.fullmatch(lowered):
            assert scope.fullmatch(lowered), (rule.id, record.model_id)  # narrowed, not widened
        if not scope.fullmatch(lowered) or record.license != rule.license:
            continue
        found = DB.lookup(record.model_id + "-GGUF")  # resolves through the rule or as a copy
        assert found is not None and found.license == rule.license, record.model_id
        copied = found.rule is Rule.DERIVATIVE and found.base_model != record.model_id
        assert narrowed.fullmatch(lowered) or copied, (rule.id, record.model_id)


def test_every_rule_is_explicit_or_only_ever_says_unknown() -> None:
    for rule in DB.family_rules():
        name = rule.match.split("/", 1)[1]
        open_tail = ".*" in name.replace(r"\.", "")
        assert not open_tail or rule.license == "unknown", rule.id
    assert len(SCOPES) == 66


def test_family_rules_do_not_overlap_with_different_licenses_on_known_ids() -> None:
    ids = [m.model_id for m in DB.models()] + [query for query, _, _ in FAMILY]
    for model_id in ids:
        rules = DB._family.all(model_id.lower())
        assert len({r.license for r in rules}) <= 1, (model_id, [r.id for r in rules])
