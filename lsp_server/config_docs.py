"""The README's settings table, generated from the schema in config.py.

``python -m lsp_server.config --write-readme README.md`` (or ``--check-readme``, which a
test runs) keeps the table between the README's markers equal to the schema, so the
documentation cannot drift from the defaults, bounds and descriptions declared there.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, get_args, get_origin

from annotated_types import Ge, Le
from pydantic.fields import FieldInfo

from lsp_server.config import FIELDS, default_text
from lsp_server.config_sources import env_var, is_optional, list_item, strip_optional

README_START = "<!-- config-table:start -->"
README_END = "<!-- config-table:end -->"

_TYPE_NAMES = {int: "integer", float: "number", bool: "boolean", str: "string", Path: "path"}


def type_text(info: FieldInfo) -> str:
    annotation, item = strip_optional(info.annotation), list_item(info)
    if get_origin(annotation) is Literal:
        text = "one of " + ", ".join(f"`{choice}`" for choice in get_args(annotation))
    elif item is not None:
        text = f"list of {_TYPE_NAMES.get(item, str(item))}s"
    else:
        text = _TYPE_NAMES.get(annotation, str(annotation))
    low = next((m.ge for m in info.metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in info.metadata if isinstance(m, Le)), None)
    if low is not None:
        text += f", {low} to {high}" if high is not None else f", at least {low}"
    return text + (", optional" if is_optional(info) else "")


def settings_table_markdown() -> str:
    """The README's settings table: setting | env var | type | default | description."""
    rows = ["| setting | env var | type | default | description |", "|---|---|---|---|---|"]
    for name, info in FIELDS.items():
        cells = [f"`{name}`", f"`{env_var(name)}`", type_text(info),
                 default_text(name, info), str(info.description)]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def sync_readme_table(readme: Path, *, check: bool) -> bool:
    """Put the generated table between the README's markers; ``check`` only compares.

    Returns whether the README was already up to date.
    """
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"{readme} lacks the markers {README_START} ... {README_END}")
    head = text[: start + len(README_START)]
    updated = f"{head}\n\n{settings_table_markdown()}\n{text[end:]}"
    if updated == text:
        return True
    if not check:
        readme.write_text(updated, encoding="utf-8")
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lsp_server.config [--write-readme|--check-readme README.md]``."""
    parser = argparse.ArgumentParser(prog="python -m lsp_server.config", description=main.__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write-readme", type=Path, metavar="README", help="update the table")
    group.add_argument("--check-readme", type=Path, metavar="README", help="fail if it drifted")
    args = parser.parse_args(argv)
    if args.write_readme:
        sync_readme_table(args.write_readme, check=False)
    elif args.check_readme:
        if not sync_readme_table(args.check_readme, check=True):
            print(f"{args.check_readme}: settings table is out of date; run "
                  f"python -m lsp_server.config --write-readme {args.check_readme}",
                  file=sys.stderr)
            return 1
    else:
        print(settings_table_markdown(), end="")
    return 0



if __name__ == "__main__":
    sys.exit(main())
