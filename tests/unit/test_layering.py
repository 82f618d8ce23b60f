"""The layering that keeps every stage testable without LSP and without a model.

Only the LSP layer (``lsp_server/server/``) imports pygls and lsprotocol, and only
``lsp_server/generation/`` imports llama_cpp (ARCHITECTURE.md names ``server.py``; here
the LSP layer is a package, see README's Layout). Read from the source with ``ast``, so a
lazy import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lsp_server"
ALLOWED = {"pygls": "server", "lsprotocol": "server", "llama_cpp": "generation"}


def imported_roots(source: Path) -> set[str]:
    """The top-level package of every absolute import in ``source``."""
    roots = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_imported_roots_sees_lazy_and_dotted_imports(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("import os.path\ndef f():\n    from pygls.server import LanguageServer\n"
                      "    import llama_cpp as l\nfrom . import sibling\n")
    assert imported_roots(source) == {"os", "pygls", "llama_cpp"}


@pytest.mark.parametrize("library", sorted(ALLOWED))
def test_only_its_own_layer_imports(library: str) -> None:
    home = PACKAGE / ALLOWED[library]
    users = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
             if library in imported_roots(path)}
    outside = sorted(user for user in users if not (PACKAGE / user).is_relative_to(home))
    assert outside == [], f"{library} imported outside lsp_server/{ALLOWED[library]}/"
    assert users, f"nothing in lsp_server/{ALLOWED[library]}/ imports {library} any more"
