"""Extractor-side local knowledge: folder-like names, and the one hand-off of a value to identify.

Two questions are answered here, without libcst (the tokenizer fallback uses them too):

* ``is_folder_name(name)``: does a variable, parameter, attribute or key *name* say it holds a
  folder (``output_dir``, ``tmp_path``)? Then whatever it holds is a local path, never a model.
* ``classify(...)``: the reference a resolved string makes in a call. The call's row and
  arguments become a ``Hint`` and ``scanner.find.identify`` decides, once per value, whether the
  string is a model, a folder of the repository (``RefKind.LOCAL``) or nothing (a local file, a
  path); nothing comes back here to be decided.
"""

from __future__ import annotations

import re

from scanner.context import RepoContext
from scanner.find.extractors.python.patterns import CallPattern
from scanner.find.identify import Hint, Named, name_string

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


def hint(pattern: CallPattern, pair: str | None, option: str | None, built_path: bool) -> Hint:
    """What the call says about its model argument: the row's library convention and arguments."""
    return Hint(pattern.naming, pattern.provider, pattern.bare_ok, pair, option, built_path)


def classify(path: str, ctx: RepoContext, pattern: CallPattern, text: str, pair: str | None,
             option: str | None, built_path: bool) -> Named | None:  # fmt: skip
    """The reference a resolved string makes: a model, a local model folder, or nothing."""
    return name_string(text, hint(pattern, pair, option, built_path), path, ctx)
