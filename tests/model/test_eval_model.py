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
