"""Settings: layering, attribution, validation fallbacks, derived flags and docs."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from lsp_server.config import Settings, add_setting_flags, cli_overrides
from lsp_server.config_docs import (
    README_END,
    README_START,
    main,
    settings_table_markdown,
    sync_readme_table,
)
from lsp_server.config_loading import load_settings
from lsp_server.config_sources import user_config_path


@pytest.fixture
def user_config(tmp_path: Path) -> Path:
    """A user config path that does not exist yet (tests write it when they need it)."""
    path = tmp_path / "home" / ".config" / "llama-lsp" / "config.toml"
    path.parent.mkdir(parents=True)
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "project"
    path.mkdir()
    return path


def parse_flags(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    add_setting_flags(parser)
    return cli_overrides(parser.parse_args(argv))


def test_defaults_with_no_sources(user_config: Path, tmp_path: Path) -> None:
    loaded = load_settings(environ={"XDG_CACHE_HOME": str(tmp_path / "cache")},
                           user_config=user_config)
    assert loaded.problems == []
    assert set(loaded.sources.values()) == {"default"}
    settings = loaded.settings
    assert settings.n_ctx == 4096 and settings.kv_cache_type == "f16" and settings.model is None
    assert settings.cache_dir == tmp_path / "cache" / "llama-lsp"
    assert settings.models_dir == tmp_path / "cache" / "llama-lsp" / "models"


def test_each_layer_overrides_the_one_below(user_config: Path, workspace: Path) -> None:
    user_config.write_text("n_ctx = 1024\nn_batch = 64\nmax_tokens = 10\ntop_k = 5\nseed = 1\n")
    (workspace / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.llama-lsp]\nn_batch = 128\nmax_tokens = 20\ntop_k = 6\n'
        "seed = 2\n"
    )
    (workspace / "llama-lsp.toml").write_text("max_tokens = 30\ntop_k = 7\nseed = 3\n")
    environ = {"LLAMA_LSP_TOP_K": "8", "LLAMA_LSP_SEED": "4"}

    loaded = load_settings(workspace=workspace, cli={"seed": "5"}, environ=environ,
                           user_config=user_config)

    s = loaded.settings
    assert (s.n_ctx, s.n_batch, s.max_tokens, s.top_k, s.seed) == (1024, 128, 30, 8, 5)
    assert loaded.problems == []
    assert loaded.sources["n_ctx"] == str(user_config)
    assert loaded.sources["n_batch"] == str(workspace / "pyproject.toml")
    assert loaded.sources["max_tokens"] == str(workspace / "llama-lsp.toml")
    assert loaded.sources["top_k"] == "env LLAMA_LSP_TOP_K"
    assert loaded.sources["seed"] == "--seed"
    assert loaded.sources["temperature"] == "default"


def test_a_relative_path_is_relative_to_the_file_that_says_it(
    user_config: Path, workspace: Path
) -> None:
    """Not to the folder the editor happened to start the server in. A model name from the
    registry stays a name; the editor's settings are relative to the workspace; flags and
    environment variables are relative to where they were typed (left as given)."""
    (workspace / "llama-lsp.toml").write_text(
        'model = "models/coder.gguf"\ncache_dir = ".llama-cache"\n')
    loaded = load_settings(workspace=workspace, user_config=user_config, environ={})
    assert loaded.settings.model == str(workspace / "models" / "coder.gguf")
    assert loaded.settings.cache_dir == workspace / ".llama-cache"

    user_config.write_text('model = "coder.gguf"\n')
    (workspace / "llama-lsp.toml").write_text('model = "qwen2.5-coder-1.5b"\n')
    by_user = load_settings(user_config=user_config, environ={})
    assert by_user.settings.model == str(user_config.parent / "coder.gguf")
    named = load_settings(workspace=workspace, user_config=user_config, environ={})
    assert named.settings.model == "qwen2.5-coder-1.5b"

    edited = load_settings(workspace=workspace, user_config=user_config, environ={},
                           init_options={"model": "weights/m.gguf", "cacheDir": "/abs/c"})
    assert edited.settings.model == str(workspace / "weights" / "m.gguf")
    assert edited.settings.cache_dir == Path("/abs/c")
    typed = load_settings(user_config=user_config, environ={"LLAMA_LSP_MODEL": "w/m.gguf"},
                          cli={"cache_dir": "c"})
    assert typed.settings.model == "w/m.gguf" and typed.settings.cache_dir == Path("c")


def test_init_options_are_the_top_layer_and_camel_case(user_config: Path) -> None:
    loaded = load_settings(
        cli={"n_ctx": "2048"},
        init_options={"nCtx": 8192, "kvCacheType": "q4_0", "flash_attn": True,
                      "model": None, "topK": None},
        environ={"LLAMA_LSP_MODEL": "/x.gguf"},
        user_config=user_config,
    )
    s = loaded.settings
    assert (s.n_ctx, s.kv_cache_type, s.flash_attn) == (8192, "q4_0", True)
    assert s.model is None  # null clears an optional setting
    assert s.top_k == 40  # null for a required setting means "not set here"
    assert loaded.sources["n_ctx"] == "initializationOptions"
    assert loaded.sources["top_k"] == "default"
    assert loaded.problems == []


def test_editor_settings_lie_over_the_init_options_key_by_key(user_config: Path) -> None:
    loaded = load_settings(init_options={"model": "/m.gguf", "nCtx": 8192},
                           editor_settings={"section": {"nCtx": 4096}, "maxTokens": 0},
                           environ={}, user_config=user_config)
    s = loaded.settings
    assert (str(s.model), s.n_ctx, s.max_tokens) == ("/m.gguf", 4096, 128)
    assert loaded.sources["n_ctx"] == "workspace/didChangeConfiguration"
    assert loaded.sources["model"] == "initializationOptions"
    assert loaded.problems == [
        "setting 'maxTokens' = 0 from workspace/didChangeConfiguration is invalid: input "
        "should be greater than or equal to 1; keeping 128 (default)"]


def test_init_options_sections_are_flattened(user_config: Path) -> None:
    loaded = load_settings(init_options={"generation": {"maxTokens": 64}, "seed": 9},
                           environ={}, user_config=user_config)
    assert (loaded.settings.max_tokens, loaded.settings.seed) == (64, 9)


def test_settings_accept_snake_and_camel_case() -> None:
    assert Settings(n_ctx=512).n_ctx == 512
    assert Settings.model_validate({"nGpuLayers": -1}).n_gpu_layers == -1
    assert Settings().model_dump(by_alias=True)["maxPrefixTokens"] == 1536


def test_kebab_case_toml_keys(user_config: Path, workspace: Path) -> None:
    (workspace / "llama-lsp.toml").write_text('kv-cache-type = "q8_0"\nn-gpu-layers = -1\n')
    loaded = load_settings(workspace=workspace, environ={}, user_config=user_config)
    assert (loaded.settings.kv_cache_type, loaded.settings.n_gpu_layers) == ("q8_0", -1)
    assert loaded.problems == []


def test_llama_lsp_toml_wins_over_pyproject(user_config: Path, workspace: Path) -> None:
    (workspace / "pyproject.toml").write_text("[tool.llama-lsp]\nn_ctx = 2048\nseed = 7\n")
    (workspace / "llama-lsp.toml").write_text("n_ctx = 8192\n")
    loaded = load_settings(workspace=workspace, environ={}, user_config=user_config)
    assert (loaded.settings.n_ctx, loaded.settings.seed) == (8192, 7)


def test_pyproject_without_our_table_is_fine(user_config: Path, workspace: Path) -> None:
    pyproject = '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 9\n'
    (workspace / "pyproject.toml").write_text(pyproject)
    loaded = load_settings(workspace=workspace, environ={}, user_config=user_config)
    assert loaded.problems == []


def test_user_config_follows_xdg_config_home(tmp_path: Path) -> None:
    path = tmp_path / "xdg" / "llama-lsp" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("n_ctx = 512\n")
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert user_config_path(environ) == path
    loaded = load_settings(environ=environ)
    assert loaded.settings.n_ctx == 512
    assert loaded.sources["n_ctx"] == str(path)


def test_env_values_are_parsed_by_type(user_config: Path) -> None:
    environ = {
        "LLAMA_LSP_N_CTX": "8192",
        "LLAMA_LSP_MODEL": "/x.gguf",
        "LLAMA_LSP_FLASH_ATTN": "true",
        "LLAMA_LSP_USE_MMAP": "0",
        "LLAMA_LSP_TENSOR_SPLIT": "0.25, 0.75",
        "LLAMA_LSP_STOP": '["\\n\\n", "a,b"]',
        "LLAMA_LSP_N_THREADS": "none",
        "LLAMA_LSP_TEMPERATURE": "0.2",
        "LLAMA_LSP_CACHE_DIR": "~/models-here",
        "LLAMA_LSP_EVAL_MODEL": "/not/a/setting.gguf",  # other tools share the prefix
    }
    loaded = load_settings(environ=environ, user_config=user_config)
    s = loaded.settings
    assert loaded.problems == []
    assert (s.n_ctx, s.model, s.flash_attn, s.use_mmap) == (8192, "/x.gguf", True, False)
    assert s.tensor_split == [0.25, 0.75]
    assert s.stop == ["\n\n", "a,b"]
    assert s.n_threads is None and s.temperature == 0.2
    assert s.cache_dir == Path("~/models-here").expanduser()
    assert loaded.sources["flash_attn"] == "env LLAMA_LSP_FLASH_ATTN"


def test_env_comma_separated_list(user_config: Path) -> None:
    loaded = load_settings(environ={"LLAMA_LSP_STOP": "</s>,###"}, user_config=user_config)
    assert loaded.settings.stop == ["</s>", "###"]


def test_invalid_value_falls_back_and_keeps_other_keys(user_config: Path, workspace: Path) -> None:
    user_config.write_text("n_ctx = 2048\n")
    (workspace / "llama-lsp.toml").write_text(
        'n_ctx = 100\nkv_cache_type = "q5_1"\nmax_tokens = 64\n'
    )
    loaded = load_settings(workspace=workspace, environ={}, user_config=user_config)

    assert loaded.settings.n_ctx == 2048  # the user file's value, not the default
    assert loaded.settings.kv_cache_type == "f16"
    assert loaded.settings.max_tokens == 64  # a good key from the same file still applies
    assert len(loaded.problems) == 2
    n_ctx_problem, kv_problem = loaded.problems
    toml = str(workspace / "llama-lsp.toml")
    for expected in ("'n_ctx'", toml, "100", "256", "2048", str(user_config)):
        assert expected in n_ctx_problem
    for expected in ("'kv_cache_type'", "'q5_1'", "'f16'", "'q8_0'", "'q4_0'"):
        assert expected in kv_problem
    assert loaded.sources["n_ctx"] == str(user_config)


def test_invalid_env_value_names_the_variable(user_config: Path) -> None:
    environ = {"LLAMA_LSP_N_CTX": "lots", "LLAMA_LSP_USE_MLOCK": "maybe", "LLAMA_LSP_SEED": "3"}
    loaded = load_settings(environ=environ, user_config=user_config)
    assert loaded.settings.n_ctx == 4096 and loaded.settings.use_mlock is False
    assert loaded.settings.seed == 3
    assert len(loaded.problems) == 2
    assert "env LLAMA_LSP_N_CTX" in loaded.problems[0] and "'lots'" in loaded.problems[0]
    assert "env LLAMA_LSP_USE_MLOCK" in loaded.problems[1]


def test_invalid_list_item_is_one_problem(user_config: Path) -> None:
    loaded = load_settings(environ={"LLAMA_LSP_TENSOR_SPLIT": "0.5,x,-1"},
                           user_config=user_config)
    assert loaded.settings.tensor_split is None
    assert len(loaded.problems) == 1
    assert "'tensor_split'" in loaded.problems[0] and "item [1]" in loaded.problems[0]


def test_invalid_init_option_names_key_and_source(user_config: Path) -> None:
    loaded = load_settings(init_options={"maxTokens": 0, "seed": 1}, environ={},
                           user_config=user_config)
    assert loaded.settings.max_tokens == 128 and loaded.settings.seed == 1
    assert loaded.problems == [
        "setting 'maxTokens' = 0 from initializationOptions is invalid: input should be "
        "greater than or equal to 1; keeping 128 (default)"
    ]


def test_unknown_key_is_reported_once(user_config: Path, workspace: Path) -> None:
    (workspace / "llama-lsp.toml").write_text("foo = 1\nn_cxt = 2\nseed = 4\n")
    loaded = load_settings(workspace=workspace, environ={}, user_config=user_config)
    toml = workspace / "llama-lsp.toml"
    assert loaded.problems[0] == f"unknown setting 'foo' in {toml}"
    assert loaded.problems[1] == f"unknown setting 'n_cxt' in {toml} (did you mean 'n_ctx'?)"
    assert len(loaded.problems) == 2
    assert loaded.settings.seed == 4


def test_unknown_init_option(user_config: Path) -> None:
    loaded = load_settings(init_options={"nCtxx": 1}, environ={}, user_config=user_config)
    assert loaded.problems == [
        "unknown setting 'nCtxx' in initializationOptions (did you mean 'n_ctx'?)"
    ]


def test_broken_toml_is_reported_and_ignored(user_config: Path, workspace: Path) -> None:
    user_config.write_text("n_ctx = 1024\n")
    (workspace / "llama-lsp.toml").write_text("n_ctx = = 8192\nseed = 3\n")
    loaded = load_settings(workspace=workspace, environ={}, user_config=user_config)
    assert loaded.settings.n_ctx == 1024 and loaded.settings.seed == 0
    assert len(loaded.problems) == 1
    assert str(workspace / "llama-lsp.toml") in loaded.problems[0]
    assert "ignoring this file" in loaded.problems[0]


def test_pyproject_table_that_is_not_a_table(user_config: Path, workspace: Path) -> None:
    (workspace / "pyproject.toml").write_text('[tool]\nllama-lsp = "fast"\n')
    loaded = load_settings(workspace=workspace, environ={}, user_config=user_config)
    assert len(loaded.problems) == 1 and "not a table" in loaded.problems[0]


def test_flags_are_derived_from_the_schema(user_config: Path) -> None:
    cli = parse_flags([
        "--n-ctx", "8192", "--kv-cache-type", "q8_0", "--no-use-mmap", "--flash-attn",
        "--tensor-split", "0.5,0.5", "--stop", "\n\n", "--stop", "a,b", "--model", "/m.gguf",
    ])
    loaded = load_settings(cli=cli, environ={"LLAMA_LSP_N_BATCH": "64"}, user_config=user_config)
    s = loaded.settings
    assert loaded.problems == []
    assert (s.n_ctx, s.kv_cache_type, s.use_mmap, s.flash_attn) == (8192, "q8_0", False, True)
    assert s.tensor_split == [0.5, 0.5] and s.stop == ["\n\n", "a,b"] and s.model == "/m.gguf"
    assert s.n_batch == 64  # no --n-batch flag, so the env value stands
    assert loaded.sources["use_mmap"] == "--no-use-mmap"
    assert loaded.sources["flash_attn"] == "--flash-attn"


def test_absent_flags_do_not_override(user_config: Path) -> None:
    assert parse_flags([]) == {}
    environ = {"LLAMA_LSP_N_CTX": "2048", "LLAMA_LSP_USE_MMAP": "false"}
    loaded = load_settings(cli=parse_flags([]), environ=environ, user_config=user_config)
    assert loaded.settings.n_ctx == 2048 and loaded.settings.use_mmap is False


def test_bad_flag_value_falls_back_with_one_message(user_config: Path) -> None:
    loaded = load_settings(cli=parse_flags(["--n-ctx", "huge", "--kv-cache-type", "q2"]),
                           environ={}, user_config=user_config)
    assert loaded.settings.n_ctx == 4096 and loaded.settings.kv_cache_type == "f16"
    assert len(loaded.problems) == 2
    assert "from --n-ctx" in loaded.problems[0] and "'huge'" in loaded.problems[0]
    assert "from --kv-cache-type" in loaded.problems[1]


def test_every_field_has_a_flag_and_a_description() -> None:
    parser = argparse.ArgumentParser()
    add_setting_flags(parser)
    flags = {option for action in parser._actions for option in action.option_strings}
    for name, info in Settings.model_fields.items():
        assert "--" + name.replace("_", "-") in flags
        assert info.description


def test_table_lists_every_field() -> None:
    table = settings_table_markdown()
    lines = table.splitlines()
    assert lines[0] == "| setting | env var | type | default | description |"
    assert len(lines) == 2 + len(Settings.model_fields)
    for name in Settings.model_fields:
        assert f"| `{name}` | `LLAMA_LSP_{name.upper()}` |" in table
    assert "`$XDG_CACHE_HOME/llama-lsp`" in table  # machine-independent default


def test_sync_readme_table_writes_then_checks(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n\n{README_START}\nold\n{README_END}\n\nafter\n")
    assert sync_readme_table(readme, check=True) is False
    assert "old" in readme.read_text()  # check never writes
    assert sync_readme_table(readme, check=False) is False
    assert sync_readme_table(readme, check=True) is True
    text = readme.read_text()
    assert settings_table_markdown() in text
    assert text.startswith("# x\n\nbefore\n") and text.endswith(f"{README_END}\n\nafter\n")
    assert main(["--check-readme", str(readme)]) == 0


def test_sync_readme_table_needs_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n")
    with pytest.raises(ValueError, match="markers"):
        sync_readme_table(readme, check=True)


def test_readme_config_table_matches_schema() -> None:
    readme = Path(__file__).parents[3] / "README.md"
    assert sync_readme_table(readme, check=True), (
        "README.md's settings table drifted from lsp_server/config.py; run "
        "`python -m lsp_server.config --write-readme README.md`"
    )
