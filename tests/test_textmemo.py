"""Values kept by their text's hash (``scanner.find.textmemo``)."""

from __future__ import annotations

from scanner.find.textmemo import TextMemo, text_key


def test_a_value_is_made_once_per_text() -> None:
    made: list[str] = []
    memo: TextMemo[int] = TextMemo(100)

    def make(text: str) -> int:
        made.append(text)
        return len(text)

    assert [memo.get(text, make) for text in ("ab", "abc", "ab", "abc")] == [2, 3, 2, 3]
    assert made == ["ab", "abc"]
    assert memo.chars == 5


# (texts asked in turn, the cap in characters, the texts whose values are kept, oldest first)
EVICTIONS = [
    (["aaaa", "bbbb", "cccc"], 8, ["bbbb", "cccc"]),
    (["aaaa", "bbbb", "aaaa", "cccc"], 8, ["aaaa", "cccc"]),  # asked again: recently used
    (["aaaaaaaaaa"], 8, ["aaaaaaaaaa"]),  # the latest value is kept even over the cap
    (["aaaaaaaaaa", "b"], 8, ["b"]),
    (["a", "b", "c"], 8, ["a", "b", "c"]),
]


def test_the_least_recently_used_values_are_dropped_past_the_cap() -> None:
    for asked, cap, kept in EVICTIONS:
        memo: TextMemo[str] = TextMemo(cap)
        for text in asked:
            memo.get(text, str.upper)
        assert list(memo.entries) == [text_key(text) for text in kept]
        assert memo.chars == sum(map(len, kept))
        assert [value for value, _ in memo.entries.values()] == [text.upper() for text in kept]


def test_texts_are_keyed_by_content_not_identity() -> None:
    memo: TextMemo[int] = TextMemo(100)
    first = "".join(["x = ", "1\n"])
    second = "".join(["x = 1", "\n"])
    assert first is not second
    assert memo.get(first, len) == memo.get(second, lambda _: -1) == 6
    assert text_key("\ud800") != text_key("?")  # a lone surrogate hashes as itself
