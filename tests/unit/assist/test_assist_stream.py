"""explain and ask end to end on tiny models: streaming, budgets, cancel, citations."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from lsp_server.assist.ask import ask
from lsp_server.assist.explain import explain
from lsp_server.assist.retrieval import Chunk, Current
from lsp_server.config import Settings
from lsp_server.errors import AssistInputError, DocumentError, PositionError
from lsp_server.generation.loader import LoadedModel

SOURCE = "import os\n\n\ndef add(a, b):\n    total = a + b\n    return total\n"


def test_explain_streams_pieces_that_add_up(
    chat_model_path: Path, load: Callable[..., LoadedModel]
) -> None:
    model = load(chat_model_path)
    pieces: list[str] = []
    result = explain(model, Settings(explain_max_tokens=9), path=Path("m.py"), text=SOURCE,
                     start_line=4, end_line=5, on_text=pieces.append)
    assert len(pieces) == 9 and "".join(pieces) == result.text == "a" * 9
    assert result.stop_reason == "max_tokens" and result.templated
    assert result.language == "python" and result.scope is not None
    assert result.scope.name == "add" and result.tokens.generated == 9


def test_explain_takes_the_editors_language_over_the_path(
    chat_model_path: Path, load: Callable[..., LoadedModel]
) -> None:
    """An unsaved buffer or a script without an extension: the editor knows the language,
    and the scope around the selection is found with its grammar."""
    model = load(chat_model_path)
    result = explain(model, Settings(explain_max_tokens=2), path=Path("Untitled-1"),
                     text=SOURCE, start_line=4, end_line=5, language="python")
    assert result.language == "python"
    assert result.scope is not None and result.scope.name == "add"
    bare = explain(model, Settings(explain_max_tokens=2), path=Path("Untitled-1"),
                   text=SOURCE, start_line=4, end_line=5)
    assert bare.language == "plaintext" and bare.scope is None


def test_explain_prompt_is_trimmed_to_the_window(
    tiny_model: Callable[..., Path], load: Callable[..., LoadedModel]
) -> None:
    model = load(tiny_model("codellama", emit="a"), n_ctx=1024)
    body = "".join(f"    x{i} = a + {i}\n" for i in range(200))
    source = f"def big(a):\n{body}    return a\n"
    result = explain(model, Settings(explain_max_tokens=64), path=Path("big.py"),
                     text=source, start_line=1, end_line=199)
    assert 1024 - 64 - 40 < result.tokens.prompt <= 1024 - 64 and not result.templated
    assert result.stop_reason == "max_tokens" and result.tokens.generated == 64


def test_explain_rejects_bad_selections(
    chat_model_path: Path, load: Callable[..., LoadedModel]
) -> None:
    model = load(chat_model_path)
    with pytest.raises(PositionError, match=r"outside m\.py"):
        explain(model, Settings(), path=Path("m.py"), text=SOURCE, start_line=3, end_line=40)
    with pytest.raises(AssistInputError, match="empty"):
        explain(model, Settings(), path=Path("m.py"), text=SOURCE, start_line=1, end_line=2)


def test_a_set_cancel_event_stops_generation(
    chat_model_path: Path, load: Callable[..., LoadedModel]
) -> None:
    model = load(chat_model_path)
    cancel = threading.Event()
    cancel.set()
    result = explain(model, Settings(), path=Path("m.py"), text=SOURCE, start_line=4,
                     end_line=4, cancel=cancel)
    assert result.stop_reason == "cancelled" and result.text == ""


def test_ask_streams_and_falls_back_to_context_citations(
    chat_model_path: Path, load: Callable[..., LoadedModel], tmp_path: Path
) -> None:
    (tmp_path / "calc.py").write_text(SOURCE)
    (tmp_path / "main.py").write_text("from calc import add\n\nprint(add(1, 2))\n")
    model = load(chat_model_path)
    pieces: list[str] = []
    answer = ask(model, Settings(ask_max_tokens=5), question="where is add defined?",
                 workspace=tmp_path, on_text=pieces.append)
    assert "".join(pieces) == answer.text == "aaaaa"
    assert answer.context[0].path == "calc.py"
    assert [c.kind for c in answer.citations] == ["context"] * len(answer.context)
    assert answer.citations[0].label == "calc.py:4-6"


class Excerpts:
    """A Retriever that returns fixed excerpts (the seam the repository index will use)."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self.asked: list[str] = []

    def retrieve(self, question: str, limit: int) -> list[Chunk]:
        self.asked.append(question)
        return self.chunks[:limit]


def test_ask_packs_the_best_excerpts_within_the_budget(
    chat_model_path: Path, load: Callable[..., LoadedModel], tmp_path: Path
) -> None:
    code = "\n".join(f"value_{i} = {i}" for i in range(30))
    chunks = [Chunk(f"f{i}.py", 0, 29, code, 30) for i in range(10)]
    retriever = Excerpts(chunks)
    model = load(chat_model_path)
    settings = Settings(ask_max_tokens=4, ask_context_tokens=1000)
    answer = ask(model, settings, question="  what is value_3?  ", workspace=tmp_path,
                 retriever=retriever)
    assert retriever.asked == ["what is value_3?"]
    assert 0 < len(answer.context) < 10
    assert [c.path for c in answer.context] == [f"f{i}.py" for i in range(len(answer.context))]
    small = ask(model, settings.model_copy(update={"ask_context_tokens": 0}),
                question="what is value_3?", workspace=tmp_path, retriever=retriever)
    assert small.context == [] and small.citations == []
    assert small.tokens.prompt < answer.tokens.prompt


def test_ask_names_the_current_selection(
    chat_model_path: Path, load: Callable[..., LoadedModel], tmp_path: Path
) -> None:
    (tmp_path / "calc.py").write_text(SOURCE)
    model = load(chat_model_path)
    current = Current(tmp_path / "calc.py", SOURCE, (3, 5))
    answer = ask(model, Settings(ask_max_tokens=2), question="is this right?",
                 workspace=tmp_path, current=current)
    assert answer.context[0].label == "calc.py:4-6"
    prompt = model.backend.detokenize(model.backend.llm.input_ids[: answer.tokens.prompt]
                                      .tolist())
    assert "The user is looking at calc.py:4-6." in prompt


def test_ask_rejects_empty_questions_and_missing_workspaces(
    chat_model_path: Path, load: Callable[..., LoadedModel], tmp_path: Path
) -> None:
    model = load(chat_model_path)
    with pytest.raises(AssistInputError, match="empty"):
        ask(model, Settings(), question="  ", workspace=tmp_path)
    with pytest.raises(DocumentError, match="workspace not found"):
        ask(model, Settings(), question="why?", workspace=tmp_path / "nope")


SECRET = "k7Hq9Lm2Np4Rs6Tv8"
WITH_SECRET = (f'import os\n\nAPI_KEY = "{SECRET}"\n\n\n'
               "def call(client):\n    return client.get(API_KEY)\n")


def _prompt(model: LoadedModel, tokens: int) -> str:
    return model.backend.detokenize(model.backend.llm.input_ids[:tokens].tolist())


def test_explain_and_ask_never_show_a_secret_to_the_model(
    chat_model_path: Path, load: Callable[..., LoadedModel], tmp_path: Path
) -> None:
    """The selection, its scope and the excerpts are redacted like completion prompts."""
    model = load(chat_model_path)
    explained = explain(model, Settings(explain_max_tokens=2), path=Path("client.py"),
                        text=WITH_SECRET, start_line=2, end_line=6)
    prompt = _prompt(model, explained.tokens.prompt)
    assert SECRET not in prompt and 'API_KEY = "<redacted>"' in prompt
    retriever = Excerpts([Chunk("client.py", 0, 6, WITH_SECRET, 7)])
    answered = ask(model, Settings(ask_max_tokens=2), question="where is API_KEY used?",
                   workspace=tmp_path, retriever=retriever)
    prompt = _prompt(model, answered.tokens.prompt)
    assert SECRET not in prompt and 'API_KEY = "<redacted>"' in prompt
    assert "return client.get(API_KEY)" in prompt
    pasted = ask(model, Settings(ask_max_tokens=2), workspace=tmp_path, retriever=retriever,
                 question=f'why is api_key = "{SECRET}" refused?')
    prompt = _prompt(model, pasted.tokens.prompt)
    assert SECRET not in prompt and "why is api_key" in prompt


def test_a_redacted_private_key_keeps_the_lines_below_it_where_they_are(
    chat_model_path: Path, load: Callable[..., LoadedModel], tmp_path: Path
) -> None:
    """An excerpt is cited by the file's line numbers: the key block's lines stay (empty),
    so ``def call`` is still on its own line of the excerpt when the model cites it."""
    body = "\n".join(["MIIEowIBAAKCAQEA7x9vQk2Lm3Np4Rq5St6Uv7Wx8Yz9Ab0Cd1Ef2Gh3Ij4Kl5"] * 5)
    text = (f'KEY = """-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----'
            '"""\n\n\ndef call(client):\n    return client.sign(KEY)\n')
    model = load(chat_model_path)
    retriever = Excerpts([Chunk("keys.py", 0, text.count("\n"), text, 7)])
    answered = ask(model, Settings(ask_max_tokens=2), question="what signs requests?",
                   workspace=tmp_path, retriever=retriever)
    prompt = _prompt(model, answered.tokens.prompt)
    assert "MIIEowIBAAKCAQEA" not in prompt
    shown = prompt[prompt.index("<redacted>"):prompt.index("def call")]
    assert shown.count("\n") == text[:text.index("def call")].count("\n")
