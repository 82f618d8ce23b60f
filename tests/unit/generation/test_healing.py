"""The token index of healing, on a hand-made vocabulary (the engine tests run healing on
the real llama.cpp)."""

from __future__ import annotations

from lsp_server.generation.healing import TokenHealer

# Two tokens share the bytes "ab"; 0 is empty and 6 is a control token.
PIECES = [b"", b"a", b"ab", b"abc", b"ab", b"b", b"<c>", b" ab"]
HEALER = TokenHealer(PIECES, lambda token: token == 6)


def test_prefixes_first_then_every_token_that_starts_with_the_text() -> None:
    assert HEALER.candidates(b"ab") == [1, 2, 4, 3]  # "a"; then "ab" (both), "abc"
    assert HEALER.candidates(b"abcd") == [1, 2, 4, 3]  # prefixes only: none goes past it
    assert HEALER.candidates(b"b") == [5]


def test_empty_and_control_tokens_are_never_candidates() -> None:
    assert HEALER.candidates(b"<c>") == []
    assert 0 not in HEALER.candidates(b"a") and HEALER.candidates(b" a") == [7]
