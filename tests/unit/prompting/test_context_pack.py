"""Packing repository context: the KV-cache order of the blocks, and the budget property.

The property test is a seeded random loop (no hypothesis here) over file sizes, snippet
counts and sizes, n_ctx and the budget settings, on tiny real models: the prompt never
exceeds n_ctx minus the answer's room, the context never exceeds its own budget, the
reported count is exactly the ids it stands for, and llama.cpp counts the same prompt.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lsp_server.config import Settings
from lsp_server.documents.cursor import Cursor
from lsp_server.generation.loader import LoadedModel, load_model
from lsp_server.prompting.context_pack import ContextOrder, ContextRequest
from lsp_server.prompting.fim_request import LocalWindow, budgets, prepare_fim
from lsp_server.prompting.repo_context import Block, renderer_for
from lsp_server.retrieval.snippet import Snippet

CASES = 200
N_CTX = (256, 512, 1024)
ALPHABET = "abcdefghijklmnopqrstuvwxyz_ABCXYZ0123456789 ()[]{}:=+-*/.,'\"#\t" + "éλ→中"
TRAPS = ("<|file_sep|>", "<|fim_prefix|>", "<repo_name>", "▁<PRE>")  # control-token text


def snippet(name: str, text: str = "") -> Snippet:
    return Snippet(f"{name}.py", 0, 0, text or f"def {name}():\n    pass\n", "definitions")


def block(name: str) -> Block:
    item = snippet(name)
    return Block(item.key, (len(name),), item)


def keys(blocks: list[Block]) -> list[str]:
    return [b.snippet.path for b in blocks]


def test_arrange_keeps_the_cached_order_and_appends_new_blocks() -> None:
    order = ContextOrder()
    # Nothing cached: the best-ranked block goes last, nearest the local window.
    assert order.arrange([block("a"), block("b")], allow_new=True) == ([block("b"), block("a")], [])
    order.commit([block("a"), block("b"), block("c")])
    # Ranked c, d, e, a now: the cached ones keep their cache order, new ones go after
    # them, the better of the two new ones last.
    chosen, deferred = order.arrange([block("c"), block("d"), block("e"), block("a")],
                                     allow_new=True)
    assert keys(chosen) == ["a.py", "c.py", "e.py", "d.py"] and deferred == []
    assert order.keys == [block(n).key for n in "abc"]  # arrange alone commits nothing


def test_keystroke_path_defers_new_blocks() -> None:
    order = ContextOrder()
    assert order.arrange([block("a"), block("b")], allow_new=False) == ([], [block("b"),
                                                                            block("a")])
    order.commit([block("a"), block("b")])
    chosen, deferred = order.arrange([block("x"), block("b"), block("a")], allow_new=False)
    assert keys(chosen) == ["a.py", "b.py"] and keys(deferred) == ["x.py"]


def random_text(rng: random.Random, lines: int, width: int) -> str:
    out = []
    for _ in range(lines):
        line = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, width)))
        if rng.random() < 0.05:
            line += rng.choice(TRAPS)
        out.append(line)
    return "\n".join(out)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory,
           tiny_model: Callable[..., Path]) -> Iterator[dict[tuple[str, int], LoadedModel]]:
    loaded = {(kind, n_ctx): load_model(Settings(n_ctx=n_ctx, n_batch=256), tiny_model(kind))
              for kind in ("qwen", "codellama") for n_ctx in N_CTX}
    yield loaded
    for model in loaded.values():
        model.close()


def test_prompt_never_exceeds_its_budget_and_its_count_is_exact(
    models: dict[tuple[str, int], LoadedModel],
) -> None:
    rng = random.Random(20240606)
    generated = 0
    for case in range(CASES):
        kind, n_ctx = rng.choice(("qwen", "codellama")), rng.choice(N_CTX)
        model = models[kind, n_ctx]
        config = Settings(n_ctx=n_ctx, max_tokens=rng.randint(1, 96),
                          max_prefix_tokens=rng.randint(1, 400),
                          max_suffix_tokens=rng.randint(0, 200),
                          max_context_tokens=0 if rng.random() < 0.15 else rng.randint(1, 900))
        # The cursor's line may be longer than any budget (minified code): it is then cut.
        above = random_text(rng, rng.randint(0, 60), 70)
        line = "".join(rng.choice("abc_=1 ,") for _ in range(rng.choice((0, 4, 80, 1500))))
        prefix = above + "\n" + line
        right = "".join(rng.choice("xyz)]; ") for _ in range(rng.choice((0, 3, 900))))
        cursor = Cursor(prefix, right + "\n" + random_text(rng, rng.randint(0, 30), 70),
                        prefix.count("\n"), len(line))
        snippets = [snippet(f"s{case}_{i}", random_text(rng, rng.randint(1, 12), 40) or "x")
                    for i in range(rng.randint(0, 12))]
        seen: list[LocalWindow] = []

        def retrieve(window: LocalWindow, snippets: list[Snippet] = snippets,
                     seen: list[LocalWindow] = seen) -> ContextRequest:
            seen.append(window)
            return ContextRequest(snippets, "owner/repo", "a.py", ContextOrder(), allow_new=True)

        prepared = prepare_fim(model, cursor, config, "python", None, retrieve)
        prompt, split, why = prepared.prompt, budgets(config, n_ctx), f"case {case}"
        assert len(prompt.ids) <= n_ctx - config.max_tokens, why
        assert prompt.context_tokens <= split.context, why
        assert bool(seen) == (split.context > 0), why
        packed = prepared.packed
        if packed is None:
            assert prompt.context_tokens == 0 and prompt.segments == (), why
        else:
            context = packed.context
            parts = [*context.header, *(t for b in context.blocks for t in b.ids),
                     *context.current]
            assert prompt.context_tokens == len(parts) == context.tokens, why
            start = prompt.segments[0] - len(context.header)
            assert prompt.ids[start: start + len(parts)] == parts, why
            assert list(prompt.segments[1:]) == [
                prompt.segments[0] + sum(len(b.ids) for b in context.blocks[: i + 1])
                for i in range(len(context.blocks))], why
            # Best first while it fits: what was left out would not fit in what is left.
            room = split.context - prompt.context_tokens
            renderer = renderer_for(model.require_fim(), model.backend)
            kept = {b.key for b in context.blocks}
            for left_out in (s for s in snippets if s.key not in kept):
                assert len(renderer.block(left_out, "python").ids) > room, why
            if kind == "qwen":  # control-token text in a snippet stays text
                spec = model.require_fim()
                assert prompt.ids.count(spec.ids["file_sep"]) == len(context.blocks) + 1, why
        if case % 20 == 0:  # llama.cpp evaluates exactly these ids
            prepared.request.max_tokens = 1
            result = model.engine.submit(prepared.request).result()
            assert result.tokens.prompt == len(prompt.ids), why
            generated += 1
    assert generated == CASES // 20


def test_a_cursor_line_longer_than_the_budget_still_fits(
    models: dict[tuple[str, int], LoadedModel],
) -> None:
    model, config = models["qwen", 256], Settings(n_ctx=256, max_tokens=32)
    line = "x = [" + ", ".join(str(i) for i in range(200))
    prepared = prepare_fim(model, Cursor("import os\n" + line, "]\n", 1, len(line)), config,
                           "python")
    assert len(prepared.prompt.ids) <= 256 - config.max_tokens
