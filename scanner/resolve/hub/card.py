"""The Hub's answer about one repository: the card record, and reading untrusted JSON into it.

The answer is untrusted input: its JSON nesting is capped at ``MAX_JSON_DEPTH`` before parsing,
and license values with control or invisible formatting characters, too long (over
``MAX_VALUE_CHARS``) or too many (over ``MAX_VALUES``) make the card FAILED.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

MAX_JSON_DEPTH = 100  # the Hub's model info nests about ten levels
MAX_VALUE_CHARS = 256  # one license, license_name or base_model
MAX_VALUES = 64  # licenses or base models on one card
_BASE_RELATIONS = frozenset({"adapter", "finetune", "merge", "quantized"})
# control (C0, DEL, C1), invisible formatting (bidi overrides, zero-width), surrogates, and
# line/paragraph separators: never in a license value, a cache entry or a printed problem
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class Status(str, Enum):
    """What the Hub answered for one repository."""

    FOUND = "found"  # 200 with card metadata (possibly without a license)
    NOT_FOUND = "not-found"  # 404
    DENIED = "denied"  # 401 / 403: private, gated or missing without a token
    FAILED = "failed"  # network error, timeout, other status, malformed answer
    INVALID = "invalid"  # not a Hub repository id: never asked


@dataclass(frozen=True, slots=True)
class HubCard:
    """The license facts of one Hub model's metadata, or why there are none."""

    url: str
    status: Status
    licenses: tuple[str, ...] = ()  # cardData.license (or license: tags), as written
    license_name: str | None = None  # cardData.license_name, for license "other"
    base_models: tuple[str, ...] = ()  # cardData.base_model (or base_model: tags)
    problem: str | None = None  # for DENIED / FAILED / INVALID: what went wrong
    redirected_to: str | None = None  # where redirects took the request, when not ``url``


# -- safe text -------------------------------------------------------------------------------


def printable(text: str, limit: int = 300) -> str:
    """``text`` with unsafe characters escaped (``\\x1b``), cut to ``limit`` characters."""
    if len(text) > limit:
        text = text[:limit] + "..."
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if _unsafe_char(ch) else ch for ch in text
    )


def _unsafe_char(ch: str) -> bool:
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES


def safe_text(text: str, limit: int = MAX_VALUE_CHARS) -> bool:
    """Non-empty, at most ``limit`` characters, none of them control or invisible formatting."""
    return 0 < len(text) <= limit and not any(_unsafe_char(ch) for ch in text)


# -- JSON ------------------------------------------------------------------------------------


class _TooDeep(ValueError):
    """JSON nested deeper than MAX_JSON_DEPTH."""


def load_json(document: bytes | str) -> object:
    """``json.loads`` that refuses nesting over MAX_JSON_DEPTH before parsing (no recursion)."""
    text = (
        document.decode(json.detect_encoding(document), "surrogatepass")
        if isinstance(document, bytes)
        else document
    )
    if json_depth(text) > MAX_JSON_DEPTH:
        raise _TooDeep(f"nested over {MAX_JSON_DEPTH} levels")
    return json.loads(text)


def json_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting outside strings; never below what ``json.loads`` reaches.

    Escapes are removed left to right (``\\\\`` pairs, then ``\\"``), so every quote left
    delimits a string and the even pieces between quotes are outside strings: linear, C-speed.
    """
    unescaped = text.replace("\\\\", "").replace('\\"', "")
    outside = "".join(unescaped.split('"')[::2])
    brackets = _NOT_BRACKET.sub("", outside)
    return max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def json_answer(url: str, body: bytes) -> object:
    """The JSON value of ``body``, or the FAILED card saying why it has none."""
    try:
        return load_json(body)
    except (RecursionError, _TooDeep):
        problem = f"the answer is not valid JSON: nested too deeply (over {MAX_JSON_DEPTH} levels)"
    except ValueError:
        problem = "the answer is not JSON"
    except Exception as exc:  # a hostile answer must not crash the scan
        problem = f"the answer is not JSON ({printable(type(exc).__name__)})"
    return HubCard(url, Status.FAILED, problem=problem)


# -- card metadata ---------------------------------------------------------------------------


def parse_card(url: str, data: object) -> HubCard:
    """The license facts of a model-info JSON answer (``cardData`` first, then tags)."""
    if not isinstance(data, dict):
        return HubCard(url, Status.FAILED, problem="the answer is not a JSON object")
    card = data.get("cardData")
    card = card if isinstance(card, dict) else {}
    tags = data.get("tags")
    tags = [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []
    licenses = _strings(card.get("license")) or tuple(
        tag.removeprefix("license:") for tag in tags if tag.startswith("license:")
    )
    bases = _strings(card.get("base_model")) or tuple(
        _tag_base(tag) for tag in tags if tag.startswith("base_model:")
    )
    name = card.get("license_name")
    found = HubCard(
        url,
        Status.FOUND,
        licenses=tuple(dict.fromkeys(licenses)),
        license_name=name.strip() if isinstance(name, str) and name.strip() else None,
        base_models=tuple(dict.fromkeys(bases)),
    )
    problem = _metadata_problem(found)
    return found if problem is None else HubCard(url, Status.FAILED, problem=problem)


def _metadata_problem(card: HubCard) -> str | None:
    """Why the card's license facts cannot be used as they are, or None.

    Conservative: a value with a control character (ESC, CR, LF, other C0/C1), an invisible
    formatting character (bidi override, zero width), too long or too many values make the
    whole answer untrusted, rather than dropping the value and reading the rest of the card
    (dropping a hostile license could let a base model's license decide).
    """
    name = (card.license_name,) if card.license_name is not None else ()
    for label, values in (
        ("license", card.licenses),
        ("license_name", name),
        ("base_model", card.base_models),
    ):
        if len(values) > MAX_VALUES:
            return f"the answer has over {MAX_VALUES} {label} values"
        if any(len(value) > MAX_VALUE_CHARS for value in values):
            return f"the answer's {label} is over {MAX_VALUE_CHARS} characters"
        if not all(safe_text(value) for value in values):
            return f"the answer's {label} contains control or invisible formatting characters"
    return None


def _strings(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(item.strip() for item in items if isinstance(item, str) and item.strip())


def _tag_base(tag: str) -> str:
    """``base_model:finetune:org/x`` (or ``base_model:org/x``) -> ``org/x``."""
    rest = tag.removeprefix("base_model:")
    relation, _, target = rest.partition(":")
    return target if target and relation in _BASE_RELATIONS else rest
