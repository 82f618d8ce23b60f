"""Import resolution: which indexed files an import statement refers to.

Reasonable rather than complete, per language (the table's ``resolver`` column):

- python: relative imports by directory (``from ..a import b``), absolute ones by module
  path suffix (``a.b`` finds ``src/a/b.py`` or ``a/b/__init__.py``), and ``from a import
  b`` also tries the submodule ``a/b.py``;
- javascript (JS/TS/TSX): relative specifiers with the usual extensions and ``index``
  files; ``@/x`` / ``~/x`` aliases and bare specifiers by path suffix;
- go: the package directory whose path ends with the import path's longest suffix;
- rust: ``crate::``, ``self::``, ``super::`` and ``mod name;`` to ``name.rs`` /
  ``name/mod.rs``;
- java: ``a.b.C`` to ``a/b/C.java``, ``a.b.*`` to the directory;
- c: ``#include "x.h"`` next to the includer first, then anywhere by path suffix.

When several files match, those sharing the longest directory prefix with the importer
come first (the nearest package wins), then the shallowest (``import flask`` from an
example means ``src/flask/__init__.py``, not a test fixture's ``inner/flask.py``).
Third-party code that is not indexed resolves to nothing, which callers treat as "not in
this workspace".
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import PurePosixPath

FileRef = tuple[int, str]  # files.id, path

JS_EXTENSIONS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")


class Lookup:
    """File lookups on a reader connection (indexed prefix ranges, no table scans)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def paths(self, paths: list[str]) -> list[FileRef]:
        marks = ",".join("?" * len(paths))
        rows = self.conn.execute(f"SELECT id, path FROM files WHERE path IN ({marks})", paths)
        order = {path: i for i, path in enumerate(paths)}
        return sorted(rows, key=lambda row: order[row[1]])

    def module(self, parts: list[str]) -> list[FileRef]:
        """Files whose dotted module ends with ``parts``."""
        return self._prefix("module_key", "".join(f"{p}." for p in reversed(parts)), ".")

    def directory(self, parts: list[str]) -> list[FileRef]:
        """Files directly in a directory whose path ends with ``parts``."""
        key = "".join(f"{p}/" for p in reversed(parts))
        rows = self._prefix("dir_key", key, "/")
        return [row for row in rows if PurePosixPath(row[1]).parent.name == parts[-1]]

    def _prefix(self, column: str, key: str, separator: str) -> list[FileRef]:
        if not key:
            return []
        upper = key[:-1] + chr(ord(separator) + 1)
        query = f"SELECT id, path FROM files WHERE {column} >= ? AND {column} < ?"
        return list(self.conn.execute(query, (key, upper)))


def resolve(resolver: str, lookup: Lookup, importer: str, module: str,
            name: str | None) -> list[FileRef]:
    """The files ``module`` (and, as a submodule, ``module.name``) refers to, nearest first."""
    rule = RESOLVERS.get(resolver)
    if rule is None:
        return []
    found = rule(lookup, PurePosixPath(importer), module, name)
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda ref: (-_shared_depth(importer, ref[1]),
                                           ref[1].count("/")))


def _shared_depth(a: str, b: str) -> int:
    return len(os.path.commonpath([os.path.dirname(a), os.path.dirname(b)]).split("/"))


def _python(lookup: Lookup, importer: PurePosixPath, module: str,
            name: str | None) -> list[FileRef]:
    dots = len(module) - len(module.lstrip("."))
    parts = [p for p in module[dots:].split(".") if p]
    extra = [name] if name and name != "*" else []
    if dots:
        base = importer.parent
        for _ in range(dots - 1):
            base = base.parent
        folder = base.joinpath(*parts)
        paths = [f"{folder}.py", f"{folder}/__init__.py", f"{folder}.pyi"] if parts else [
            f"{folder}/__init__.py"]
        if extra:
            paths += [f"{folder}/{extra[0]}.py", f"{folder}/{extra[0]}/__init__.py"]
        return lookup.paths(paths)
    found = lookup.module(parts) if parts else []
    return found + (lookup.module(parts + extra) if extra else [])


def _javascript(lookup: Lookup, importer: PurePosixPath, module: str,
                name: str | None) -> list[FileRef]:
    if module.startswith("."):
        target = os.path.normpath(importer.parent / module)
        paths = [target, *(target + ext for ext in JS_EXTENSIONS),
                 *(f"{target}/index{ext}" for ext in JS_EXTENSIONS)]
        return lookup.paths(paths)
    spec = module[2:] if module.startswith(("@/", "~/")) else module
    parts = [p.split(".")[0] for p in spec.split("/") if p and not p.startswith("@")]
    return lookup.module(parts) if parts else []


def _go(lookup: Lookup, importer: PurePosixPath, module: str,
        name: str | None) -> list[FileRef]:
    parts = [p for p in module.split("/") if p]
    for start in range(len(parts)):  # a package's _test.go files are not what it exports
        found = [ref for ref in lookup.directory(parts[start:])
                 if ref[1].endswith(".go") and not ref[1].endswith("_test.go")]
        if found:
            return found
    return []


def _rust(lookup: Lookup, importer: PurePosixPath, module: str,
          name: str | None) -> list[FileRef]:
    parts = module.split("::")
    here = importer.parent if importer.stem in ("mod", "lib", "main") else (
        importer.parent / importer.stem)
    if parts[0] == "crate":
        src = next((p for p in importer.parents if p.name == "src"), importer.parent)
        base, parts = src, parts[1:]
    elif parts[0] in ("self", "super"):
        base = here
        while parts and parts[0] in ("self", "super"):
            base = base.parent if parts.pop(0) == "super" else base
    elif name is None and len(parts) == 1:  # `mod name;`
        base = here
    else:
        return lookup.module(parts[1:]) if len(parts) > 1 else []
    folder = base.joinpath(*parts)
    paths = [f"{folder}.rs", f"{folder}/mod.rs"] if parts else [
        f"{folder}/mod.rs", f"{folder}/lib.rs", f"{folder}/main.rs", f"{folder}.rs"]
    if name and name not in ("*", "self"):
        paths += [f"{folder}/{name}.rs", f"{folder}/{name}/mod.rs"]
    return lookup.paths(paths)


def _java(lookup: Lookup, importer: PurePosixPath, module: str,
          name: str | None) -> list[FileRef]:
    parts = module.split(".")
    if name == "*":
        return lookup.directory(parts)
    return lookup.module([*parts, name]) if name else lookup.module(parts)


def _c(lookup: Lookup, importer: PurePosixPath, module: str,
       name: str | None) -> list[FileRef]:
    beside = lookup.paths([os.path.normpath(importer.parent / module)])
    if beside:
        return beside
    spec = PurePosixPath(module)
    parts = [*spec.parent.parts, spec.name.rsplit(".", 1)[0]]
    return [ref for ref in lookup.module(parts) if ref[1].endswith("/" + module)]


def bound_name(resolver: str, module: str, name: str | None, alias: str | None) -> str | None:
    """The name an import binds in the importing file, where the language says so.

    ``import a.b`` binds ``a`` in Python, but ``use a::b`` binds ``b`` in Rust and
    ``import a.b.C`` binds ``C`` in Java; a Go import binds the package, by convention
    its path's last part (``gopkg.in/yaml.v3`` and ``example.com/x/v2`` bind ``yaml`` and
    ``x``); a C include or a JS import without a name binds nothing.
    """
    if alias or name:
        return alias or name
    if resolver == "python":
        return module.lstrip(".").split(".")[0] or None
    if resolver == "go":
        parts = [p for p in module.split("/") if p]
        if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
            parts.pop()
        last = re.sub(r"\.v\d+$", "", parts[-1]) if parts else ""
        return last.removeprefix("go-") or None
    if resolver in ("rust", "java"):
        return re.split(r"::|\.", module)[-1] or None
    return None


RESOLVERS: dict[str, Callable[[Lookup, PurePosixPath, str, str | None], list[FileRef]]] = {
    "python": _python, "javascript": _javascript, "go": _go, "rust": _rust, "java": _java,
    "c": _c,
}
