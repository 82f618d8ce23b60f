"""A definition from another file reaches the prompt, in the family's repo-level format.

Real index over a temporary repository, real tree-sitter, the real llama.cpp tokenizer of
tiny GGUF models: the prompt for a cursor in ``app/main.py`` must show what
``from shapes.geometry import circle_area, Polygon`` brought in, and the in-file-only
prompt must not.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lsp_server.generation.loader import LoadedModel
from lsp_server.prompting.fim_request import PreparedFim, prepare_fim
from tests.unit.retrieval.conftest import Files, Workspace, cursor_at_end, settings

GEOMETRY = '''"""Plane geometry."""

import math


def circle_area(radius: float) -> float:
    """The area of a circle of this radius."""
    return math.pi * radius * radius


class Polygon:
    """A closed shape of straight sides."""

    def __init__(self, points: list[tuple[float, float]]) -> None:
        self.points = points

    def perimeter(self) -> float:
        pairs = zip(self.points, self.points[1:] + self.points[:1])
        return sum(math.dist(a, b) for a, b in pairs)

    def scaled(self, factor: float) -> "Polygon":
        return Polygon([(x * factor, y * factor) for x, y in self.points])
'''
MAIN = '''from shapes.geometry import circle_area, Polygon


def total_area(radii: list[float]) -> float:
    return '''
REPO: Files = {"shapes/__init__.py": "", "shapes/geometry.py": GEOMETRY,
               "app/__init__.py": "", "app/main.py": MAIN}
SIGNATURE = "def circle_area(radius: float) -> float:"


def prepare(workspace: Workspace, model: LoadedModel, *, context: bool) -> PreparedFim:
    path, cursor, config = workspace.path("app/main.py"), cursor_at_end(MAIN), settings()
    retrieve = (workspace.provider.retrieve(path, cursor, "python", config, model,
                                            invoked=True) if context else None)
    return prepare_fim(model, cursor, config, "python", None, retrieve)


def text_of(model: LoadedModel, ids: list[int]) -> str:
    return model.backend.detokenize(ids)


@pytest.mark.parametrize("kind", ["qwen", "starcoder"])
def test_repo_level_prompt_holds_the_imported_definitions(
    kind: str, workspace: Callable[[Files], Workspace], load: Callable[..., LoadedModel],
) -> None:
    repo, model = workspace(REPO), load(kind)
    prepared = prepare(repo, model, context=True)
    text = text_of(model, prepared.prompt.ids)
    assert SIGNATURE in text and '"""The area of a circle of this radius."""' in text
    assert "shapes/geometry.py\n" in text
    # The class as a skeleton: its header and method signatures, not their bodies.
    assert "class Polygon:" in text and "    def perimeter(self) -> float:" in text
    assert "return sum(math.dist" not in text
    assert "def circle_area" not in text_of(model, prepare(repo, model, context=False).prompt.ids)


@pytest.mark.parametrize("kind", ["qwen", "starcoder"])
def test_repo_level_tokens_frame_the_blocks(
    kind: str, workspace: Callable[[Files], Workspace], load: Callable[..., LoadedModel],
) -> None:
    model = load(kind)
    prepared = prepare(workspace(REPO), model, context=True)
    ids, spec = prepared.prompt.ids, model.require_fim()
    assert prepared.packed is not None
    blocks = prepared.packed.context.blocks
    assert len(blocks) >= 2
    repo_name, file_sep, prefix = spec.ids["repo_name"], spec.ids["file_sep"], spec.ids["prefix"]
    assert ids[0] == repo_name and ids.count(repo_name) == 1
    assert ids.count(prefix) == 1 and ids.count(file_sep) == len(blocks) + 1
    assert max(i for i, t in enumerate(ids) if t == file_sep) < ids.index(prefix)
    # The real repository name (the folder: no git remote), then each block's path.
    header_end = prepared.prompt.segments[0]
    assert text_of(model, ids[1:header_end]).strip() == "repo"
    for block, start in zip(blocks, prepared.prompt.segments, strict=False):
        assert ids[start] == file_sep
        assert text_of(model, list(block.ids[1:])).startswith(block.snippet.path + "\n")
    current = text_of(model, ids[prepared.prompt.segments[-1]: ids.index(prefix)])
    assert current == "app/main.py\n"


def test_code_llama_gets_path_headed_comments_after_the_prefix_token(
    workspace: Callable[[Files], Workspace], load: Callable[..., LoadedModel],
) -> None:
    model = load("codellama")
    prepared = prepare(workspace(REPO), model, context=True)
    ids, spec = prepared.prompt.ids, model.require_fim()
    assert ids[:2] == [spec.ids["bos"], spec.ids["prefix"]]
    after_prefix = text_of(model, ids[2: ids.index(spec.ids["suffix"])])
    assert after_prefix.lstrip().startswith("# Repository: repo\n# Path: ")
    assert f"# Path: shapes/geometry.py\n{SIGNATURE}\n" in after_prefix
    assert "# Path: app/main.py\nfrom shapes.geometry import circle_area" in after_prefix
    assert prepared.prompt.segments[0] > 2  # the blocks start after BOS, <PRE>, header
