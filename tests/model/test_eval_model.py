"""The real code model (Qwen2.5-Coder-0.5B-Instruct) completes real code after trimming."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import run_json

pytestmark = pytest.mark.model

DEMO = Path(__file__).parents[2] / "examples" / "demo" / "geometry.py"


def test_completes_the_body_line_of_a_two_line_function(eval_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "calc.py"
    src.write_text("def add(a: int, b: int) -> int:\n    \n\n\nprint(add(2, 3))\n")
    out = run_json("complete", src, "--line", "2", "--col", "5", "--model", eval_model,
                   home=tmp_path)
    assert out["family"] == "qwen2.5-coder"
    assert out["completion"] == "return a + b"
    assert out["raw"].startswith("return a + b")  # trimming kept exactly the body line


def test_completes_the_demo_project(eval_model: Path, tmp_path: Path) -> None:
    out = run_json("complete", DEMO, "--line", "11", "--col", "9", "--model", eval_model,
                   home=tmp_path)
    assert out["completion"].startswith("return")
    assert "self.radius" in out["completion"] and "\n" not in out["completion"].strip()


def test_a_line_cut_off_by_the_token_limit_is_not_shown(eval_model: Path, tmp_path: Path) -> None:
    """Stopped by ``--max-tokens`` inside its fourth line (``self.color``, which parses),
    a multi-line completion shows its whole lines only."""
    src = tmp_path / "shapes.py"
    src.write_text("class Circle:\n    def __init__(self, radius, x, y, color, name):\n        \n")
    out = run_json("complete", src, "--line", "3", "--col", "9", "--max-tokens", "21",
                   "--model", eval_model, home=tmp_path)
    raw, shown = out["raw"], out["completion"]
    assert out["stop_reason"] == "max_tokens"
    last = raw.rsplit("\n", 1)[-1]
    assert "\n" in raw and last.strip(), raw  # it did stop inside a line
    assert shown and raw.startswith(shown + "\n") and last not in shown.split("\n")
