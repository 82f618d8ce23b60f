"""``bench/quality.py`` end to end: a cross-file case through the editor's pipeline per
mode, scored by the dev set's own scorer (``shared/data/crossfile-dev/score_fim.py``).

A tiny real GGUF writes noise, so the scores say nothing here; what is checked is that
each mode writes its predictions and that the repository context holds the expected
cross-file name exactly in the modes that use the repository (``in_ctx``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT.parent / "shared" / "data" / "crossfile-dev" / "score_fim.py"
FILES = {
    "shop/__init__.py": "",
    "shop/pricing.py": ('def apply_discount(price: float, rate: float) -> float:\n'
                        '    """The price after taking off ``rate`` of it."""\n'
                        "    return price * (1 - rate)\n"),
    "shop/checkout.py": ("from shop.pricing import apply_discount\n\n\n"
                         "def pay(amount):\n    return apply_discount(amount, 0.2)\n"),
    "shop/cart.py": ("from shop.pricing import apply_discount\n\n\n"
                     "def total(items):\n    subtotal = sum(items)\n"
                     "    return apply_discount(subtotal, 0.1)\n"),
}
PREFIX = FILES["shop/cart.py"].split("apply_discount(subtotal")[0]
CASE = {"id": "shop/shop/cart.py:5:mid", "repo": "shop", "path": "shop/cart.py", "line_no": 5,
        "prefix": PREFIX, "middle": "apply_discount(subtotal, 0.1)", "suffix": "\n",
        "cross_file_identifier": "apply_discount", "defined_in": "shop/pricing.py",
        "kind": "imported_name", "def_kind": "function", "def_name": "apply_discount",
        "cursor": "before_identifier"}
MODES = ("infile", "full", "oracle", "usage")


@pytest.mark.skipif(not SCORER.is_file(), reason=f"the dev set's scorer is not at {SCORER}")
def test_each_mode_writes_predictions_and_reports_the_context(
    tiny_model: Callable[..., Path], tmp_path: Path,
) -> None:
    for rel, text in FILES.items():
        (tmp_path / "repos" / "shop" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "repos" / "shop" / rel).write_text(text, "utf-8")
    cases = tmp_path / "cases" / "cases_midline.jsonl"
    cases.parent.mkdir()
    cases.write_text(json.dumps(CASE) + "\n", "utf-8")
    shutil.copy(SCORER, cases.parent / "score_fim.py")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "quality.py"), "--cases", str(cases),
         "--repo-root", str(tmp_path / "repos"), "--model", str(tiny_model("qwen")),
         "--mode", ",".join(MODES), "--out", str(tmp_path / "preds.jsonl"), "--details",
         "--n-ctx", "512", "--max-prefix-tokens", "128", "--max-suffix-tokens", "32",
         "--max-context-tokens", "256", "--max-tokens", "4"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()[2:]}
    assert list(rows) == list(MODES)
    in_ctx = {mode: float(figures[4]) for mode, figures in rows.items()}
    assert in_ctx == {"infile": 0.0, "full": 1.0, "oracle": 1.0, "usage": 1.0}
    for mode in MODES:
        predictions = (tmp_path / f"preds.{mode}.jsonl").read_text("utf-8").splitlines()
        assert [json.loads(line)["id"] for line in predictions] == [CASE["id"]]
        details = json.loads((tmp_path / f"preds.{mode}.details.jsonl").read_text("utf-8"))
        assert bool(details["snippets"]) == (mode != "infile")
    usage = json.loads((tmp_path / "preds.usage.details.jsonl").read_text("utf-8"))
    assert [s.split(":")[0] for s in usage["snippets"]] == ["shop/checkout.py"]
