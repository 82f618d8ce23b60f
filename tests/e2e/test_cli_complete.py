"""``llama-lsp complete`` and ``doctor`` end to end on real (tiny) GGUF models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lsp_server.config import Settings
from lsp_server.generation.gguf_file import read_gguf
from lsp_server.prompting.fim_request import budgets
from tests.e2e.cli import run_cli, run_json

SOURCE = "def add(a, b):\n    \n"


def test_complete_json_reports_prompt_tokens_and_timings(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    model = tiny_model("codellama")
    src = tmp_path / "m.py"
    src.write_text(SOURCE)
    out = run_json("complete", src, "--line", "2", "--col", "5", "--model", model,
                   "--max-tokens", "8", home=tmp_path)
    assert out["family"] == "codellama"
    tokens = read_gguf(model).tokens
    texts = [tokens[i] for i in out["prompt_ids"]]
    assert texts[:2] == ["<s>", "▁<PRE>"] and "▁<SUF>" in texts
    # the cursor line's indentation starts the middle; being its last token, it is healed
    assert texts[-1] == "▁<MID>"
    assert out["tokens"]["prompt"] == len(out["prompt_ids"])
    assert out["tokens"]["reused"] + out["tokens"]["evaluated"] == out["tokens"]["prompt"]
    assert 0 < out["tokens"]["generated"] <= 8
    assert {"load", "prompt", "generate", "postprocess", "total"} <= set(out["timings_ms"])


def test_workspace_config_is_honoured(tiny_model: Callable[..., Path], tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "llama-lsp.toml").write_text(
        f'model = "{tiny_model("qwen")}"\nmax_tokens = 3\n'
    )
    src = tmp_path / "proj" / "m.py"
    src.write_text(SOURCE)
    out = run_json("complete", src, "--line", "2", "--col", "5", home=tmp_path)
    assert out["family"] == "qwen2.5-coder" and out["tokens"]["generated"] <= 3


def test_model_without_fim_is_refused_clearly(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    src = tmp_path / "m.py"
    src.write_text(SOURCE)
    done = run_cli("complete", src, "--line", "2", "--col", "5", "--model", tiny_model("nofim"),
                   home=tmp_path)
    assert done.returncode == 1
    assert "cannot fill in the middle" in done.stderr and "use a base code model" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_inputs_give_one_line_errors(tiny_model: Callable[..., Path], tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text(SOURCE)
    missing = run_cli("complete", src, "--line", "1", "--col", "1", "--model",
                      tmp_path / "none.gguf", home=tmp_path)
    assert missing.returncode == 1 and "model file not found" in missing.stderr
    far = run_cli("complete", src, "--line", "40", "--col", "1", "--model",
                  tiny_model("codellama"), home=tmp_path)
    assert far.returncode == 1 and "line 40 is outside" in far.stderr
    for done in (missing, far):
        assert "Traceback" not in done.stderr


def test_a_secrets_file_is_never_completed_explained_or_asked_about(
        tiny_model: Callable[..., Path], tmp_path: Path) -> None:
    """As in the editor: ``.env`` (or a key, ``index_secret_globs``) is refused before any
    model is loaded, in one line; ``ask`` about it too."""
    (tmp_path / ".env").write_text("DB_HOST=db.internal\nDB_USER=\n")
    (tmp_path / "llama-lsp.toml").write_text('index_secret_globs = ["*.vault"]\n')
    (tmp_path / "prod.vault").write_text("token = 1\n")
    for name in (".env", "prod.vault"):
        for args in (("complete", tmp_path / name, "--line", "2", "--col", "9"),
                     ("explain", tmp_path / name, "--lines", "1-2"),
                     ("ask", "what is it?", "--file", tmp_path / name)):
            done = run_cli(*args, "--model", tiny_model("codellama"), home=tmp_path)
            assert done.returncode == 1, (name, args, done.stdout)
            assert done.stderr.strip() == (
                f"llama-lsp: {name} looks like a secrets file, so its text is never sent "
                "to the model (see index_secret_globs)")


def test_no_model_anywhere_says_how_to_get_one(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text(SOURCE)
    done = run_cli("complete", src, "--line", "1", "--col", "1", home=tmp_path)
    assert done.returncode == 1
    assert "llama-lsp models pull" in done.stderr and "--model" in done.stderr


def test_doctor_reports_family_kv_cache_and_system(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    model = tiny_model("qwen")
    report = run_json("doctor", "--model", model, "--n-ctx", "2048", "--kv-cache-type", "q8_0",
                      "--flash-attn", home=tmp_path)
    assert report["family"] == "qwen2.5-coder" and report["can_infill"]
    assert report["trained_context"] == 4096
    # 2 layers x 1 KV head x head size 32 x (K + V) x q8_0's 34/32 bytes
    assert report["kv_bytes_per_token"] == 2 * 1 * (32 + 32) * 34 // 32
    assert report["kv_total_bytes"] == report["kv_bytes_per_token"] * 2048
    assert report["fits"] is True
    assert "system" in report and isinstance(report["system"]["gpu_offload"], bool)
    assert report["cache"]["writable"] and report["cache"]["free_bytes"] > 0
    text = run_cli("doctor", "--model", model, home=tmp_path)
    assert text.returncode == 0 and "KV cache" in text.stdout and "qwen2.5-coder" in text.stdout
    assert "cache folder" in text.stdout and "writable" in text.stdout


def test_doctor_says_when_the_cache_folder_cannot_be_written(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("")
    text = run_cli("doctor", "--model", tiny_model("qwen"), "--cache-dir",
                   tmp_path / "a-file" / "cache", home=tmp_path)
    assert text.returncode == 2
    assert "NOT writable: Not a directory (set cache_dir to a folder you can write)" in text.stdout


def test_small_context_shrinks_the_window_instead_of_failing(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    src = tmp_path / "long.py"
    src.write_text("".join(f"value_{i} = {i}\n" for i in range(400)) + "x = \n")
    out = run_json("complete", src, "--line", "401", "--col", "5", "--model",
                   tiny_model("codellama"), "--n-ctx", "256", "--max-tokens", "16",
                   home=tmp_path)
    assert out["tokens"]["prompt"] + 16 <= 256
    # the budget is used, not thrown away: a fresh window fills 7/8 of the prefix budget
    # (the rest is its room to grow while typing, see window.fit_prefix_anchored), less
    # at most one line (about 7 tokens here) for whole lines
    prefix_budget = budgets(Settings(n_ctx=256, max_tokens=16), 256).prefix
    assert out["tokens"]["prompt"] >= prefix_budget - prefix_budget // 8 - 7


def test_workspace_flag_gives_the_index_around_the_file(
        tiny_model: Callable[..., Path], tmp_path: Path) -> None:
    """A project with no marker file: without ``--workspace`` the file's own folder is
    the workspace, and the header in a sibling folder gives no context; with it, it does.
    A workspace that does not hold the file is refused in one line."""
    proj = tmp_path / "proj"
    (proj / "include").mkdir(parents=True)
    (proj / "src").mkdir()
    (proj / "include" / "geom.h").write_text("typedef struct { double r; } circle;\n"
                                             "double circle_area(const circle *c);\n")
    src = proj / "src" / "main.c"
    src.write_text('#include "geom.h"\n\ndouble f(const circle *c) {\n    return circle_\n}\n')
    args = ("complete", src, "--line", "4", "--col", "19", "--model", tiny_model("qwen"),
            "--max-tokens", "2")
    alone = run_json(*args, home=tmp_path)
    assert not any("geom.h" in s for s in alone["context"].get("snippets", []))
    found = run_json(*args, "--workspace", proj, home=tmp_path)
    assert any(s.startswith("include/geom.h:") for s in found["context"]["snippets"])
    other = tmp_path / "other"
    other.mkdir()
    refused = run_cli(*args, "--workspace", other, home=tmp_path)
    assert refused.returncode == 1 and "is not inside the workspace" in refused.stderr
    assert "Traceback" not in refused.stderr
