"""Definitions of the names near the cursor, through the file's imports and the symbols.

In order: the receiver being typed (``utils.`` shows the module's names, ``parser.`` the
class ``Parser`` with its method signatures, and so does ``p.`` after ``p = Parser(…)``,
``p: Parser`` or ``Parser p``), then each name near the cursor that an import binds
(followed to its real definition, re-exports included) or that the symbol table defines
in another file and not in this one, then whatever else the file imports: the code a line is
most likely to call is what this file brought in. (Putting imports the file does not use
yet first was tried: no gain on the dev cases, and editors add an import after its use.
So was showing those other imports as signature stubs, one snippet per defining file:
the name to be written reached the prompt more often, 98 of the 120 dev cases instead of
88, and the eval model wrote it less often, 49 instead of 52. Holding generation after
``module.`` to the names the module binds, like token healing, was tried too: on the 57
dev cases with a dot before the cursor, 33 were held (the expected name was always
among the names), and 2 completions changed, both still wrong: with the module's names
in the prompt the eval model already writes names that exist.)
"""

from __future__ import annotations

import re
from pathlib import Path

from lsp_server.indexing.records import ResolvedImport, Symbol
from lsp_server.indexing.resolve import Lookup
from lsp_server.languages import family, language_for
from lsp_server.retrieval.excerpts import CLASS_KINDS, MAX_OUTLINE_LINES, definition, outline
from lsp_server.retrieval.names import assigned, declared_type, receiver
from lsp_server.retrieval.snippet import ContextQuery, Snippet
from lsp_server.retrieval.sources import SourceEnv

_BASES = re.compile(r"\((.*)\)|extends\s+([\w.]+)")
_NAME = re.compile(r"[A-Za-z_]\w*(?=\s*(?:[,)\[]|$))")
AMBIGUOUS = 3  # a bare name defined in more files than this is not worth showing
SMALL_OUTLINE = 8  # outline lines below which the module's own text says more


def find(query: ContextQuery, env: SourceEnv) -> list[Snippet]:
    imports = env.imports(query.path)
    bound = _bindings(imports)
    typed = receiver(query.prefix)
    names = list(query.near)
    if typed:
        names = [typed, *(n for n in names if n != typed)]
    found: dict[str, Snippet] = {}
    # A name this file defines at its top level is its own (``def index`` here): other
    # files' ``index`` functions are other things (on a dev case, 5 of the 13 snippets).
    # Top level only, as for the other files: a bare name is no method in Python or Go.
    own = {symbol.name for symbol in env.symbols(query.path) if not symbol.scope}
    target = assigned(query.prefix)  # ``collect_errors = |``: the class it is likely to be
    if target and target not in bound:
        _add_class_of(target, query, env, found)
    for name in names:
        if len(found) >= env.limit:
            break
        if name in bound:
            before = len(found)
            _add_import(bound[name], name, query, env, found)
            if name == typed and len(found) == before:  # ``import a.b``, then ``a.``
                _add_module_named(name, query, env, found)
        elif name == typed and name in ("self", "this", "cls"):
            _add_bases(query, env, found)
        elif name == typed:  # not imported in the visible text: a module or a class by name
            if declared := declared_type(query.prefix, name):  # ``app = Flask(…)``, ``p: T``
                _add_class_of(declared, query, env, found)
            _add_module_named(name, query, env, found)
            _add_class_of(name, query, env, found)
        elif name not in own:
            defs = [d for d in env.reader.definitions(
                name, limit=AMBIGUOUS + 1, languages=family(query.language))
                    if d.path != query.path and not d.scope]
            if len(defs) <= AMBIGUOUS:
                for symbol in defs:
                    _add_symbol(symbol, query, env, found)
    for imported in reversed(imports):  # the rest of what the file imports, nearest first
        if len(found) >= env.limit:
            break
        _add_import(imported, imported.alias or imported.name or "", query, env, found)
    return list(found.values())[: env.limit]


def _bindings(imports: list[ResolvedImport]) -> dict[str, ResolvedImport]:
    """Local name -> the import that binds it."""
    bound: dict[str, ResolvedImport] = {}
    for imp in imports:
        if imp.local and imp.local != "*":
            bound.setdefault(imp.local, imp)
    return bound


def _add_import(imp: ResolvedImport, local: str, query: ContextQuery, env: SourceEnv,
                found: dict[str, Snippet]) -> None:
    if imp.definitions:
        for symbol in imp.definitions[:2]:
            _add_symbol(symbol, query, env, found)
        return
    for module in _module_files(imp, local):
        if len(found) >= env.limit:
            break
        _add_module(module, query, env, found)


def _module_files(imp: ResolvedImport, local: str) -> list[Path]:
    """The file a module binding names (``from pkg import utils`` -> pkg/utils.py); of
    several, the shallowest (an absolute import names a top-level package). A module that
    is a folder of files named otherwise (a Go package) is all of them."""
    wanted = imp.name or local
    named = [p for p in imp.files
             if (p.parent.name if p.stem in ("__init__", "index", "mod") else p.stem) == wanted]
    if named:
        return [min(named, key=lambda p: len(p.parts))]
    if imp.name is not None or not imp.files or imp.module.split(".")[0] == local != imp.module:
        return []  # ``import a.b`` binds the package ``a``, which is not what it resolves to
    if len({p.parent for p in imp.files}) == 1:
        return sorted(imp.files)
    return [imp.files[0]]


def _add_module(path: Path, query: ContextQuery, env: SourceEnv,
                found: dict[str, Snippet]) -> None:
    if path == query.path:
        return
    symbols = env.symbols(path)
    lines = env.lines(path)
    text = outline(symbols, lines)
    if text.count("\n") < SMALL_OUTLINE:  # a package's __init__ re-exports: show its text
        text = "\n".join(lines[:MAX_OUTLINE_LINES]).strip("\n")
    if text:
        top = [s for s in symbols if not s.scope]
        end = top[-1].end_line if top else 0
        _keep(Snippet(query.relative(path), 0, end, text, "definitions"), found)


def _add_bases(query: ContextQuery, env: SourceEnv, found: dict[str, Snippet]) -> None:
    """``self.``: the members of the enclosing class's base classes (defined elsewhere)."""
    scope = env.reader.scope_at(query.path, query.line)
    while scope is not None and scope.kind not in CLASS_KINDS:
        outer = scope.scope.rsplit(".", 1)[-1]
        scope = next((s for s in env.reader.definitions(outer) if s.path == query.path), None)
    if scope is None:
        return
    head = scope.signature.split("\n")[0]
    bases = _BASES.search(head)
    for base in _NAME.findall(bases.group(1) or bases.group(2)) if bases else []:
        _add_class_of(base, query, env, found)


def _add_module_named(name: str, query: ContextQuery, env: SourceEnv,
                      found: dict[str, Snippet]) -> None:
    """``utils.`` with no import in sight: the module of that name, the shallowest first
    (an absolute import names a top-level package), then the one nearest this file."""
    languages = family(query.language)
    refs = [ref for ref in Lookup(env.reader.conn).module([name])
            if not languages or language_for(ref[1]) in languages]
    if refs:
        best = min(refs, key=lambda ref: (len(Path(ref[1]).parts),
                                          -_shared_parts(ref[1], query.path)))
        _add_module(Path(best[1]), query, env, found)


def _shared_parts(path: str, other: Path) -> int:
    count = 0
    for a, b in zip(Path(path).parts, other.parts, strict=False):
        if a != b:
            break
        count += 1
    return count


def _add_class_of(name: str, query: ContextQuery, env: SourceEnv,
                  found: dict[str, Snippet]) -> None:
    """A variable named like a class (``parser`` -> ``Parser`` or ``_Parser``): show it."""
    class_name = "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)
    for candidate in (class_name, "_" + class_name):
        for symbol in env.reader.definitions(candidate, limit=AMBIGUOUS + 1,
                                             languages=family(query.language))[:AMBIGUOUS]:
            if symbol.kind in CLASS_KINDS and symbol.path != query.path:
                _add_symbol(symbol, query, env, found)


def _add_symbol(symbol: Symbol, query: ContextQuery, env: SourceEnv,
                found: dict[str, Snippet]) -> None:
    if query.in_window(symbol.path, symbol.start_line, symbol.end_line):
        return
    # Only a class needs its file's symbols (its members): no read for the others.
    symbols = env.symbols(symbol.path) if symbol.kind in CLASS_KINDS else []
    text = definition(symbol, env.lines(symbol.path), symbols)
    if text.strip():
        _keep(Snippet(query.relative(symbol.path), symbol.start_line, symbol.end_line, text,
                      "definitions"), found)


def _keep(snippet: Snippet, found: dict[str, Snippet]) -> None:
    found.setdefault(snippet.key, snippet)
