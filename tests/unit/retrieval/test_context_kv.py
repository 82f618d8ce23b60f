"""Packed context and the real KV cache: consecutive prompts share the context tokens, and
a block that leaves the middle is cut out while the blocks after it shift.

Whole path on the real llama.cpp with tiny GGUFs: prepare_fim (window, packing, template)
-> engine -> LlamaCppBackend, whose TokenReport counts reused, evaluated, shifted and
dropped tokens exactly.
"""

from __future__ import annotations

from collections.abc import Callable

from lsp_server.documents.cursor import Cursor
from lsp_server.generation.backend import GenerationResult
from lsp_server.generation.loader import LoadedModel
from lsp_server.pipeline import commit_context
from lsp_server.prompting.context_pack import ContextOrder, ContextRequest
from lsp_server.prompting.fim_request import LocalWindow, PreparedFim, WindowState, prepare_fim
from lsp_server.retrieval.snippet import Snippet
from tests.unit.retrieval.conftest import cursor_at_end, settings

SNIPPETS = {
    "A": Snippet("pkg/alpha.py", 0, 2, "def alpha(x: int) -> int:\n    return x + 1\n",
                 "definitions"),
    "B": Snippet("pkg/beta.py", 0, 3, "class Beta:\n    def run(self) -> None:\n"
                 "        pass\n", "definitions"),
    "C": Snippet("pkg/gamma.py", 4, 5, "GAMMA = [1, 2, 3]\nDELTA = {'d': 4}\n", "similar"),
}
DOCUMENT = "import os\n\n\ndef main(scale=2):\n    value = alpha(scale)\n    return "


def retrieve_of(order: ContextOrder, names: str, *, allow_new: bool
                ) -> Callable[[LocalWindow], ContextRequest]:
    def retrieve(window: LocalWindow) -> ContextRequest:
        return ContextRequest([SNIPPETS[n] for n in names], "owner/repo", "app/main.py",
                              order, allow_new)
    return retrieve


def run(model: LoadedModel, prepared: PreparedFim) -> GenerationResult:
    result = model.engine.submit(prepared.request).result()
    commit_context(prepared, result)
    return result


def common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def test_one_character_edit_shares_every_context_token(
    load: Callable[..., LoadedModel],
) -> None:
    model, config, state = load("qwen"), settings(), WindowState()
    retrieve = retrieve_of(ContextOrder(), "ABC", allow_new=True)
    first = prepare_fim(model, cursor_at_end(DOCUMENT), config, "python", state, retrieve)
    run(model, first)
    edited = DOCUMENT.replace("scale=2", "scale=3")  # one character, two lines up
    second = prepare_fim(model, cursor_at_end(edited), config, "python", state, retrieve)
    ids1, ids2 = first.prompt.ids, second.prompt.ids
    assert second.prompt.segments == first.prompt.segments and len(first.prompt.segments) == 4
    context_end = ids1.index(model.require_fim().ids["prefix"])  # repo-level: before <PRE>
    assert context_end == second.prompt.context_tokens > 0
    assert ids2[:context_end] == ids1[:context_end]
    shared = common_prefix(ids1, ids2)
    assert context_end < shared < len(ids2) - 1  # the edit is in the local window
    tokens = run(model, second).tokens
    assert tokens.reused >= second.prompt.context_tokens
    assert tokens.reused == shared and tokens.evaluated == len(ids2) - shared
    assert tokens.shifted == tokens.dropped == 0


def test_typing_on_the_cursor_line_reevaluates_only_the_tail(
    load: Callable[..., LoadedModel],
) -> None:
    model, config, state = load("codellama"), settings(), WindowState()
    retrieve = retrieve_of(ContextOrder(), "ABC", allow_new=True)
    cursor = cursor_at_end(DOCUMENT)
    first = prepare_fim(model, cursor, config, "python", state, retrieve)
    run(model, first)
    typed = Cursor(cursor.prefix + "va", cursor.suffix, cursor.line, cursor.character + 2)
    second = prepare_fim(model, typed, config, "python", state, retrieve)
    assert second.prompt.segments == first.prompt.segments
    ids1, ids2 = first.prompt.ids, second.prompt.ids
    tokens = run(model, second).tokens
    assert tokens.reused >= second.prompt.context_tokens > 0
    # The cursor line follows <MID>: only its last tokens differ (its last one is healed).
    assert ids2 != ids1 and tokens.evaluated == len(ids2) - common_prefix(ids1, ids2) <= 3


def test_dropped_middle_block_is_shifted_not_reevaluated(
    load: Callable[..., LoadedModel],
) -> None:
    model, config, order = load("qwen"), settings(), ContextOrder()
    cursor = cursor_at_end(DOCUMENT)
    # Ranked C, B, A: new blocks go best last, so the cache holds A, B, C.
    first = prepare_fim(model, cursor, config, "python", None,
                        retrieve_of(order, "CBA", allow_new=True))
    assert first.packed is not None
    run(model, first)
    assert order.keys == [SNIPPETS[n].key for n in "ABC"]
    block = {b.snippet.path: b for b in first.packed.context.blocks}
    # B is no longer wanted, and C now ranks above A: the cache order is kept.
    second = prepare_fim(model, cursor, config, "python", None,
                         retrieve_of(order, "CA", allow_new=False))
    assert second.packed is not None and second.packed.deferred == ()
    assert [b.snippet.path for b in second.packed.context.blocks] == [
        "pkg/alpha.py", "pkg/gamma.py"]
    b_ids, c_ids = block["pkg/beta.py"].ids, block["pkg/gamma.py"].ids
    ids2, segments = second.prompt.ids, second.prompt.segments
    tokens = run(model, second).tokens
    assert tokens.dropped == len(b_ids)
    assert tokens.shifted >= len(c_ids)
    # Everything after A (C, the current file's name, the FIM window) only moved left:
    # nothing is evaluated again but the last token, whose logits sampling needs.
    assert tokens.shifted == len(ids2) - segments[1] - 1
    assert tokens.evaluated == 1 and tokens.reused == len(ids2) - 1
    assert order.keys == [SNIPPETS["A"].key, SNIPPETS["C"].key]
