r"""Escaping of repository-controlled text, one small function per output format.

Everything the scanner reads from a repository is attacker-controlled when it scans a pull
request: file paths, model ids as written, expressions, reasons and error messages that quote
them, suppression labels, policy and baseline paths. The renderers pass each such value through
the function of their format at the point of rendering; the report data itself stays verbatim
(JSON, SARIF and CycloneDX carry it unchanged and their serialisers quote it).

Terminal text (the text report on stdout, MDL019 diagnostics on stderr, GitHub Actions logs):

- ``terminal`` shows every C0 control (TAB, LF and CR included), DEL, every C1 control (``\x9b``
  is a one-character CSI), lone surrogates (undecodable bytes of a file name), the Unicode line
  and paragraph separators, the bidirectional controls and the zero-width characters as
  Python-style escapes: ``\t``, ``\n``, ``\r``, ``\x1b``, ``\u202e``. The text stays intact and
  recognisable but cannot move the cursor, recolour or clear the screen, start a new line in a
  log or reorder what is displayed. Tabs are shown too: they are never meaningful in a path or a
  model id and would break the report's columns. Backslashes are left as they are, so a Windows
  path stays readable (``\x1b`` in the output may also be those four characters in the input).
- ``inert_lines`` is the final pass over rendered output. A GitHub Actions runner reads every
  line of a step's output for workflow commands: a line whose text after leading white space
  starts with ``::`` (``::stop-commands::TOKEN`` hides every later annotation, ``::add-mask::``,
  ``::error::`` forges one) and the legacy form ``##[command]`` anywhere in a line. The first
  ``:`` of such a line is written ``\x3a`` and the ``[`` of every ``##[`` ``\x5b``. The tool's
  own text never has either, so only repository text is changed, and the tool's own ANSI
  colours (added after escaping, never at the start of repository text) keep working.

GitHub workflow commands (``::error file=...,line=3,title=...::message``):

- ``workflow_data`` escapes a message the runner's way: ``%`` as ``%25``, CR as ``%0D``, LF as
  ``%0A`` (the tool's own line breaks make multi-line annotations); other controls as
  ``terminal`` shows them. Repository values inside a message go through ``terminal`` first,
  so their own line breaks stay visible escapes and cannot start a forged line.
- ``workflow_property`` does the same for a property value and also escapes ``:`` (``%3A``) and
  ``,`` (``%2C``), so a value can neither end the property list (``::``) nor add a property.

Markdown (the job summary and PR comment, GitHub-flavoured Markdown rendered by cmark-gfm):

- ``markdown_text`` makes text literal: controls shown as by ``terminal``; ``\``, `````, ``*``,
  ``_``, ``[``, ``]``, ``~``, ``$`` and ``|`` backslash-escaped (no code span, emphasis, link or
  image, strikethrough, math or table cell can start); ``&``, ``<`` and ``>`` written as
  entities, so no raw HTML (``<script>``, ``<img onerror>``, ``<!--``) reaches the page. Line
  start syntax (``#``, ``-``, ``>``) needs nothing: a value never starts a line.
- ``markdown_code`` makes an inline code span that holds any text. CommonMark closes a code span
  at the first backtick run as long as the opening one, so the fence is one backtick longer than
  the longest run inside; a space pads both sides when the content starts or ends with a
  backtick or with spaces at both ends (the parser strips one space from each side). Inside a
  code span nothing else is interpreted, so ``<`` and ``\`` stay as they are; controls are shown
  as by ``terminal``, since a line break would end a table row. In a GFM table a ``|`` splits
  the cell even inside a code span; GFM removes the backslash of ``\|`` before parsing the cell,
  so with ``table=True`` (the default) pipes are written ``\|``; outside a table they are not,
  because there the backslash would show.
"""

from __future__ import annotations

import re

_INVISIBLE = "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_CONTROL_BUT_LINE_BREAKS = re.compile(f"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f{_INVISIBLE}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_COMMAND_START = re.compile(r"(?:^|(?<=[\r\n]))([^\S\r\n]*):(?=:)")
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]~$|])")
_MARKDOWN_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BACKTICK_RUN = re.compile("`+")


def _show(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def terminal(text: str) -> str:
    """``text`` with every control and invisible formatting character shown as an escape."""
    return _CONTROL.sub(_show, text)


def inert_lines(text: str) -> str:
    """Rendered ``text`` with no line a GitHub Actions runner would take as a workflow command."""
    return _COMMAND_START.sub(r"\1\\x3a", text).replace("##[", "##\\x5b")


def workflow_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded, other controls shown."""
    text = _CONTROL_BUT_LINE_BREAKS.sub(_show, text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A workflow command's property value: as ``workflow_data`` plus ``:`` and ``,``."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def markdown_text(text: str) -> str:
    """``text`` as literal Markdown inline text, safe inside a GFM table cell."""
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", terminal(text))
    return "".join(_MARKDOWN_ENTITIES.get(char, char) for char in text)


def markdown_code(text: str, *, table: bool = True) -> str:
    """``text`` as one inline code span that renders it exactly (controls shown as escapes)."""
    text = terminal(text)
    if table:
        text = text.replace("|", "\\|")
    if not text:
        return "` `"
    fence = "`" * (max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0) + 1)
    spaced = text.startswith(" ") and text.endswith(" ") and bool(text.strip(" "))
    pad = " " if text.startswith("`") or text.endswith("`") or spaced else ""
    return f"{fence}{pad}{text}{pad}{fence}"
