"""What in Python source is a local path rather than a model: folder names, folders of the repo.

Two questions are answered here, without libcst (the tokenizer fallback uses them too):

* ``is_folder_name(name)``: does a variable, parameter, attribute or key *name* say it holds a
  folder (``output_dir``, ``tmp_path``)? Then whatever it holds is a local path, never a model.
* ``classify(...)``: the reference a resolved string makes in a call: a model, a folder of the
  repository (``RefKind.LOCAL``), or nothing (a local file, a path).
"""

from __future__ import annotations

import posixpath
import re

from scanner.context import RepoContext
from scanner.find.extractors.python.names import Named, is_hosted, is_path_like, name_model
from scanner.find.extractors.python.patterns import CallPattern
from scanner.types import RefKind

# Names that say "this is a folder". One table; each row is a regular expression over the whole
# (lower-cased) name. Deliberately absent: ``model_path``, ``model_name_or_path``, ``path``,
# ``checkpoint`` and the like, which often hold Hub ids.
FOLDER_NAMES: tuple[tuple[str, str], ...] = (
    (r"(?:\w+_)?(?:dir|dirname|dirpath|directory|folder)", "output_dir, cache_dir, tmp_dirname"),
    (r"(?:tmp|temp)(?:_?(?:dir|dirname|path|folder))?", "tmp, tmpdir, tmp_path, temp_dir"),
    (r"tmp_path_factory|tmpdir_factory", "pytest's folder fixtures"),
    (r"(?:\w+_)?(?:save|output|out)_path", "save_path, output_path"),
    (r"save_directory|savedir|outdir|logdir|ckpt_dir", "library keywords and short forms"),
)
_FOLDER_NAME = re.compile("|".join(f"(?:{pattern})" for pattern, _ in FOLDER_NAMES))


def is_folder_name(name: str) -> bool:
    """True when a variable, parameter, attribute or key name says it holds a folder."""
    return _FOLDER_NAME.fullmatch(name.lower()) is not None


def classify(path: str, ctx: RepoContext, pattern: CallPattern, text: str, pair: str | None,
             option: str | None, built_path: bool) -> Named | None:  # fmt: skip
    """The reference a resolved string makes: a model, a local model folder, or nothing."""
    if not is_hosted(pattern):
        if built_path or is_path_like(pattern, text):
            return local_folder(path, ctx, text)
        folder = local_folder(path, ctx, text)
        if folder is not None or _local_file(path, ctx, text):
            return folder
    return name_model(pattern, text, pair, option)


def _candidates(path: str, text: str) -> list[str]:
    value = text.strip().replace("\\", "/")
    if not value or value.startswith(("/", "~", "$")) or ":" in value:
        return []
    here = posixpath.dirname(path)
    out = [posixpath.normpath(value), posixpath.normpath(posixpath.join(here, value))]
    return [c for c in dict.fromkeys(out) if c != "." and not c.startswith("..")]


def local_folder(path: str, ctx: RepoContext, text: str) -> Named | None:
    """A LOCAL reference when ``text`` is a folder of the repository (from root or the file)."""
    for candidate in _candidates(path, text):
        if ctx.is_dir(candidate):
            return Named(RefKind.LOCAL, candidate)
    return None


def _local_file(path: str, ctx: RepoContext, text: str) -> bool:
    return any(ctx.exists(c) for c in _candidates(path, text))
