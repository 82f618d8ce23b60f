from __future__ import annotations

from lsp_server.generation.text_stream import TextStream


def test_stop_string_split_across_pieces_is_held_back_then_dropped() -> None:
    stream = TextStream(("\ndef ",))
    out = [stream.push(b"x = 1"), stream.push(b"\nd"), stream.push(b"ef "), stream.finish()]
    assert "".join(out) == "x = 1" and stream.text == "x = 1" and stream.stopped


def test_held_back_text_is_released_when_it_stops_matching() -> None:
    stream = TextStream(("END",))
    assert stream.push(b"aE") == "a"
    assert stream.push(b"N") == ""
    assert stream.push(b"x") == "ENx"
    assert stream.finish() == ""


def test_utf8_character_split_across_tokens() -> None:
    stream = TextStream()
    euro = "€".encode()
    assert stream.push(euro[:1]) == "" and stream.push(euro[1:]) == "€"
