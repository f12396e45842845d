"""Local model folders: model card front matter, config.json, adapter config and LICENSE text."""

from __future__ import annotations

from pathlib import Path

import pytest

import license_db
from scanner.context import RepoContext
from scanner.resolve.local_models import (
    LICENSE_PHRASES,
    LocalModelCard,
    card_license,
    describe,
    front_matter,
    license_from_text,
)

Files = dict[str, str]

CASES: list[tuple[str, Files, LocalModelCard | None]] = [
    (
        "card license and base model",
        {
            "README.md": "---\nlicense: apache-2.0\nbase_model: google-bert/bert-base-uncased\n"
            "---\n# My model\n"
        },
        LocalModelCard(
            "models/x",
            "apache-2.0",
            ("google-bert/bert-base-uncased",),
            None,
            None,
            "models/x/README.md front matter license: apache-2.0; "
            "models/x/README.md front matter base_model: google-bert/bert-base-uncased",
        ),
    ),
    (
        "license other with license_name, list of base models",
        {
            "README.md": "---\nlicense: other\nlicense_name: llama3\nbase_model:\n"
            "- meta-llama/Meta-Llama-3-8B\n- meta-llama/Meta-Llama-3-8B\n---\n"
        },
        LocalModelCard(
            "models/x",
            "llama3",
            ("meta-llama/Meta-Llama-3-8B",),
            None,
            None,
            "models/x/README.md front matter license: llama3; "
            "models/x/README.md front matter base_model: meta-llama/Meta-Llama-3-8B",
        ),
    ),
    (
        "license list becomes AND",
        {"README.md": "---\nlicense:\n  - mit\n  - cc-by-4.0\n---\n"},
        LocalModelCard(
            "models/x",
            "mit AND cc-by-4.0",
            (),
            None,
            None,
            "models/x/README.md front matter license: mit AND cc-by-4.0",
        ),
    ),
    (
        "config.json _name_or_path and adapter base",
        {
            "config.json": '{"_name_or_path": "distilbert-base-uncased", "model_type": "bert"}',
            "adapter_config.json": '{"base_model_name_or_path": "mistralai/Mistral-7B-v0.1"}',
        },
        LocalModelCard(
            "models/x",
            None,
            ("mistralai/Mistral-7B-v0.1",),
            "distilbert-base-uncased",
            None,
            "models/x/config.json _name_or_path: distilbert-base-uncased; "
            "models/x/adapter_config.json base_model_name_or_path: "
            "mistralai/Mistral-7B-v0.1",
        ),
    ),
    (
        "LICENSE text",
        {
            "LICENSE": "  LLAMA 2 COMMUNITY LICENSE AGREEMENT\n  Llama 2 Version Release Date: ...",
            "config.json": '{"_name_or_path": "/home/me/checkpoints/run-3"}',
        },
        LocalModelCard(
            "models/x", None, (), None, "llama2", "models/x/LICENSE text matches llama2"
        ),
    ),
    (
        "nothing usable",
        {
            "README.md": "# no front matter\nlicense: mit\n",
            "config.json": "{broken",
            "LICENSE": "All rights reserved.",
        },
        None,
    ),
    (
        "broken front matter is ignored, the LICENSE file still counts",
        {
            "README.md": "---\nlicense: [mit\n---\n",
            "LICENSE.md": "MIT License\n\nPermission is "
            "hereby granted, free of charge, to any person obtaining a copy",
        },
        LocalModelCard("models/x", None, (), None, "mit", "models/x/LICENSE.md text matches mit"),
    ),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_describe(tmp_path: Path, files: Files, expected: LocalModelCard | None) -> None:
    folder = tmp_path / "models" / "x"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    ctx = RepoContext(tmp_path)
    assert describe(ctx, "models/x") == expected
    assert describe(ctx, "./models/x/") == expected


def test_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "weights.bin").write_bytes(b"\0")
    ctx = RepoContext(tmp_path)
    assert describe(ctx, "weights.bin") is None
    assert describe(ctx, "missing") is None
    assert describe(ctx, "../outside") is None


LICENSE_TEXTS = [
    (
        "                                 Apache License\n                           Version 2.0, "
        "January 2004\n",
        "apache-2.0",
    ),
    (
        "GNU AFFERO GENERAL PUBLIC LICENSE\n                       Version 3, 19 November 2007",
        "agpl-3.0",
    ),
    (
        "GNU GENERAL PUBLIC LICENSE\n   Version 3, 29 June 2007\n ... GNU Affero General Public "
        "License into a single combined work",
        "gpl-3.0",
    ),
    (
        "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024",
        "llama3.1",
    ),
    (
        "META LLAMA 3 COMMUNITY LICENSE AGREEMENT\nMeta Llama 3 Version Release Date: April 2024",
        "llama3",
    ),
    ("Gemma Terms of Use\n\nLast modified: February 21, 2024", "gemma"),
    ("CreativeML Open RAIL++-M License", "openrail++"),
    ("CreativeML Open RAIL-M\ndated August 22, 2022", "creativeml-openrail-m"),
    ("Attribution-NonCommercial-ShareAlike 4.0 International", "cc-by-nc-sa-4.0"),
    ("Creative Commons Attribution-NonCommercial 4.0 International Public License", "cc-by-nc-4.0"),
    ("Creative Commons Attribution 4.0 International Public License", "cc-by-4.0"),
    (
        "Modified MIT License\n\nPermission is hereby granted, free of charge, ...\nOur only "
        'modification part is that, if the Software ... display "Kimi K2" on the user interface',
        "modified-mit-kimi",
    ),
    ("Modified MIT License\n\nPermission is hereby granted, free of charge, ...", "other"),
    (
        "Copyright (c) 2020 X\nRedistribution and use in source and binary forms, with or without\n"
        "modification, are permitted ... 3. Neither the name of the copyright holder",
        "bsd-3-clause",
    ),
    ("Proprietary. All rights reserved.", None),
]


@pytest.mark.parametrize(("text", "expected"), LICENSE_TEXTS)
def test_license_from_text(text: str, expected: str | None) -> None:
    assert license_from_text(text) == expected


def test_license_ids_are_known_license_keys() -> None:
    db = license_db.load()
    unknown = [lid for _, lid in LICENSE_PHRASES if (t := db.license(lid)) is None or t.id != lid]
    assert unknown == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nlicense: mit\n---\nbody", {"license": "mit"}),
        ("\ufeff---\r\nlicense: mit\r\n---\r\n", {"license": "mit"}),
        ("intro\n---\nlicense: mit\n---\n", None),
        ("---\n- a list\n---\n", None),
        ("---\n!!python/object/apply:os.system ['x']\n---\n", None),
    ],
)
def test_front_matter(text: str, expected: dict[str, object] | None) -> None:
    assert front_matter(text) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"license": "apache-2.0"}, "apache-2.0"),
        ({"license": ["mit", "mit"]}, "mit"),
        ({"license": "other", "license_name": "tongyi-qianwen"}, "tongyi-qianwen"),
        ({"license_name": "qwen"}, "qwen"),
        ({"license": 3}, None),
        ({}, None),
    ],
)
def test_card_license(data: dict[str, object], expected: str | None) -> None:
    assert card_license(data) == expected
