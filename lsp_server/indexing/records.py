"""What the read API returns: plain frozen records, no database handles inside."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Symbol:
    """A definition. Lines are 0-based; columns are UTF-8 byte offsets in their line."""

    name: str
    kind: str  # function, method, class, struct, interface, trait, impl, enum, type, ...
    scope: str  # enclosing definitions, dot-separated ("Outer.Inner"); "" at top level
    path: Path
    start_line: int
    start_col: int
    end_line: int
    end_col: int
    signature: str  # the definition's text up to its body
    doc: str  # docstring or doc comment, markers stripped

    @property
    def qualified_name(self) -> str:
        return f"{self.scope}.{self.name}" if self.scope else self.name


@dataclass(frozen=True)
class Chunk:
    """A searchable piece of a file: a definition, or a run of top-level statements."""

    path: Path
    start_line: int  # 0-based, inclusive
    end_line: int  # 0-based, inclusive
    kind: str  # the definition's kind, or "statements"
    name: str  # qualified name of the definition; "" for statements
    text: str
    score: float  # BM25 relevance (higher is better); 0 outside search results


@dataclass(frozen=True)
class ResolvedImport:
    """One imported name (or module) of a file, and where it leads in the workspace."""

    module: str  # as written: "..pkg.mod", "./util", "crate::a", "java.util"
    name: str | None  # the imported name; "*" for all; None when the module itself is bound
    alias: str | None  # the local name when it differs (or the module's binding)
    line: int
    files: tuple[Path, ...]  # indexed files the module resolves to, nearest first
    definitions: tuple[Symbol, ...]  # where ``name`` is defined in them (re-exports followed)
    local: str | None = None  # the name it binds in the importing file (resolve.bound_name)
