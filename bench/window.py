"""Prompt preparation cost on large files: the keystroke path before the model runs.

For each file, at a quarter and at half of its lines: the first request (line counts
not cached yet, no previous window) and the next keystroke (one character typed, the
window kept), with the eval model's real tokenizer; and a synthetic 5 MB document.

    python bench/window.py --model MODEL.gguf [FILE ...]
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
import typing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsp_server.config import Settings
from lsp_server.documents.cursor import split_at
from lsp_server.generation.loader import load_model
from lsp_server.prompting.fim_request import WindowState, prepare_fim


def timed_ms(*args: typing.Any) -> float:
    """Milliseconds for one ``prepare_fim(*args)``."""
    start = time.perf_counter()
    prepare_fim(*args)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("files", type=Path, nargs="*",
                        default=[Path(typing.__file__), Path(inspect.__file__)])
    args = parser.parse_args()
    settings = Settings(n_ctx=4096)
    model = load_model(settings, args.model)
    documents = [(f.name, f.read_text(encoding="utf-8")) for f in args.files]
    documents.append(("synthetic-5MB", "def f(x):\n    return x\n" * 200_000))
    print(f"{'document':<16}{'lines':>8}{'at line':>9}{'first ms':>10}{'keystroke ms':>14}")
    for name, text in documents:
        lines = text.count("\n")
        for line in (lines // 4, lines // 2):
            cursor = split_at(text, line, 0)
            state = WindowState()
            first = timed_ms(model, cursor, settings, "python", state)
            typed = split_at(cursor.prefix + "x" + cursor.suffix, line, 1)
            again = timed_ms(model, typed, settings, "python", state)
            print(f"{name:<16}{lines:>8}{line:>9}{first:>10.0f}{again:>14.0f}")
    model.close()


if __name__ == "__main__":
    main()
