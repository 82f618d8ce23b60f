from __future__ import annotations

from pathlib import Path

import pytest

from lsp_server.documents.cursor import (
    lines_after,
    lines_before,
    split_at,
    split_at_utf8,
    split_at_utf16,
)
from lsp_server.documents.source_file import read_source
from lsp_server.errors import DocumentError, PositionError

TEXT = "def f(x):\n    return x\n"


def test_split_at_line_and_column() -> None:
    cursor = split_at(TEXT, 1, 4)
    assert cursor.prefix == "def f(x):\n    " and cursor.suffix == "return x\n"
    assert cursor.line_prefix == "    " and cursor.line_suffix == "return x"


@pytest.mark.parametrize(("line", "col"), [(5, 0), (-1, 0), (0, 10), (1, -1)])
def test_out_of_range_positions_are_errors(line: int, col: int) -> None:
    with pytest.raises(PositionError):
        split_at(TEXT, line, col)


def test_utf16_positions_count_surrogate_pairs() -> None:
    text = "s = '😀' + x\n"
    cursor = split_at_utf16(text, 0, 8)  # the emoji is two UTF-16 units
    assert cursor.prefix == "s = '😀'" and cursor.character == 7


def test_utf8_positions_count_bytes() -> None:
    text = "naïve = '😀' + x\n"
    cursor = split_at_utf8(text, 0, 15)  # ï is two bytes, the emoji four
    assert cursor.prefix == "naïve = '😀'" and cursor.character == 11
    with pytest.raises(PositionError):
        split_at_utf8(text, 0, 20)  # the line has 19 bytes


def test_unreadable_files_have_reasons(tmp_path: Path) -> None:
    (tmp_path / "bin.py").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin.py").write_bytes("é = 1".encode("latin-1"))
    (tmp_path / "big.py").write_text("x = 1\n" * 100)
    with pytest.raises(DocumentError, match="binary"):
        read_source(tmp_path / "bin.py")
    with pytest.raises(DocumentError, match="not UTF-8"):
        read_source(tmp_path / "latin.py")
    with pytest.raises(DocumentError, match="too large"):
        read_source(tmp_path / "big.py", max_bytes=100)
    with pytest.raises(DocumentError, match="not found"):
        read_source(tmp_path / "missing.py")


def test_lines_around_a_cursor_stop_at_a_character_budget() -> None:
    before, after = "a\nbb\n" + "x" * 50 + "\ncc\nd", "e\nff\n" + "y" * 50 + "\ng"
    assert lines_before(before, 3, 100) == "x" * 50 + "\ncc\nd"  # 3 lines
    assert lines_before(before, 9, 10) == "cc\nd"  # the long line and all above it go
    assert lines_before("z" * 50, 4, 10) == "z" * 50  # the cursor's own line, always
    assert lines_after(after, 2, 100) == "e\nff"
    assert lines_after(after, 9, 10) == "e\nff"
    assert lines_after("w" * 50 + "\nv", 4, 10) == "w" * 50
