"""Repository context as token blocks, in the family's repo-level format.

Qwen2.5-Coder and StarCoder2 were trained on whole repositories laid out with their own
tokens (``<|repo_name|>name`` then ``<|file_sep|>path\\ncode`` per file); the others get
path-headed snippets in the language's comment syntax at the start of the prefix (how
Code Llama's users and most peers do it). Each snippet is its own block of ids,
redacted, rendered and tokenized once and cached by its key (path, line and a hash of its
text), so the same snippet is the same ids in every prompt: what lets the KV cache keep
it, or shift it when a block before it leaves. The header and the current file's line
are a few tokens: tokenized per request.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from string import Template
from weakref import WeakKeyDictionary, ref

from lsp_server.languages.lexical import lexical_for
from lsp_server.prompting.families import FimSpec, RepoLayout, load_families
from lsp_server.prompting.fim import Tokenizer, tokenize_continuation
from lsp_server.retrieval.snippet import Snippet
from lsp_server.safety.redact import redact

CACHE_BLOCKS = 4096
FALLBACK_FAMILY = "generic"  # whose repo layout is path-headed comments


@dataclass(frozen=True)
class Block:
    key: str
    ids: tuple[int, ...]
    snippet: Snippet


@dataclass(frozen=True)
class RepoContext:
    """What goes around the FIM part: header, blocks (in prompt order), current file."""

    place: str
    header: tuple[int, ...]
    blocks: tuple[Block, ...]
    current: tuple[int, ...]

    @property
    def tokens(self) -> int:
        return len(self.header) + sum(len(b.ids) for b in self.blocks) + len(self.current)


def comment_marks(language: str) -> tuple[str, str]:
    """How a one-line comment opens and closes in ``language`` (``#`` when unknown)."""
    lexical = lexical_for(language) if language else None
    if lexical is not None and lexical.line_comments:
        return lexical.line_comments[0], ""
    if lexical is not None and lexical.block_comments:
        opener, closer = lexical.block_comments[0]
        return opener, " " + closer
    return "#", ""


def usable_layout(spec: FimSpec) -> RepoLayout:
    """The family's repo layout when the model has every token it names; otherwise (a
    Qwen-style vocabulary without ``<|repo_name|>``, say) the path-headed comment layout."""
    layout = spec.family.repo
    if layout is not None:
        roles = {item for part in (layout.header, layout.file, layout.current)
                 for item in part if item in spec.family.tokens}
        if roles <= spec.ids.keys():
            return layout
    fallback = next(f.repo for f in load_families() if f.name == FALLBACK_FAMILY)
    assert fallback is not None
    return fallback


class ContextRenderer:
    """Renders and tokenizes the context pieces of one model's family (cached)."""

    def __init__(self, spec: FimSpec, tokenizer: Tokenizer) -> None:
        self.spec = spec
        self._tokenizer = ref(tokenizer)  # the renderer must not keep an unloaded model alive
        self.layout: RepoLayout = usable_layout(spec)
        # The same snippet recurs on every keystroke: redacted, rendered, tokenized once.
        self._blocks: OrderedDict[tuple[str, str], Block] = OrderedDict()

    def header(self, repo_name: str, language: str) -> tuple[int, ...]:
        return self._render(self.layout.header, {"repo_name": repo_name}, language, first=True)

    def block(self, snippet: Snippet, language: str) -> Block:
        key = (snippet.key, snippet.language or language)
        block = self._blocks.get(key)
        if block is None:
            code = redact(snippet.text).rstrip("\n") + "\n"
            ids = self._render(self.layout.file, {"path": snippet.path, "code": code},
                               key[1], first=False)
            block = self._blocks[key] = Block(snippet.key, ids, snippet)
            if len(self._blocks) > CACHE_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(key)
        return block

    def current(self, path: str, language: str) -> tuple[int, ...]:
        return self._render(self.layout.current, {"path": path}, language, first=False)

    def _render(self, items: tuple[str, ...], values: dict[str, str], language: str, *,
                first: bool) -> tuple[int, ...]:
        opener, closer = comment_marks(language)
        fields = {"comment": opener, "comment_end": closer, **values}
        ids: list[int] = []
        for item in items:
            if item in self.spec.family.tokens and item in self.spec.ids:
                ids.append(self.spec.ids[item])
            else:
                text = Template(item).safe_substitute(fields)
                ids += self._tokens(text, continuation=not (first and not ids))
        return tuple(ids)

    def _tokens(self, text: str, *, continuation: bool) -> tuple[int, ...]:
        tokenizer = self._tokenizer()
        assert tokenizer is not None  # only called while the caller holds the model
        return tuple(tokenize_continuation(tokenizer, text) if continuation
                     else tokenizer.tokenize(text))


def renderer_for(spec: FimSpec, tokenizer: Tokenizer) -> ContextRenderer:
    """One renderer (and token cache) per loaded model; it goes when the model goes."""
    renderer = _RENDERERS.get(tokenizer)
    if renderer is None or renderer.spec is not spec:
        renderer = _RENDERERS[tokenizer] = ContextRenderer(spec, tokenizer)
    return renderer


_RENDERERS: WeakKeyDictionary[Tokenizer, ContextRenderer] = WeakKeyDictionary()
