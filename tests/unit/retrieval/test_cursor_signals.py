"""What retrieval reads around a cursor: the names near it, the receiver being typed, the
user's recent activity, and the repository's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from lsp_server.retrieval.activity import Activity, Place
from lsp_server.retrieval.names import declared_type, near_names, receiver
from lsp_server.retrieval.repository import repository_name

PREFIX = "import os\n\ndef load(path, x):\n    data = read_file(path)\n    result = parse(data"


def test_near_names_nearest_first_without_keywords_or_one_letter_names() -> None:
    names = near_names(PREFIX, ")\n    return result.value\nself.cache = True")
    assert names == ("data", "parse", "result", "path", "read_file", "load", "os", "value",
                     "cache")


def test_near_names_stop_at_the_limit_and_a_dozen_lines_up() -> None:
    far = "far_away_name = 1\n" + "".join(f"v{i} = {i}\n" for i in range(12))
    names = near_names(far + "last = v11", "")
    assert "far_away_name" not in names and names[:3] == ("v11", "last", "v10")
    assert near_names(far + "last = v11", "", limit=2) == ("v11", "last")


@pytest.mark.parametrize(("prefix", "expected"), [
    ("value = utils.is_", "utils"),
    ("    parser.", "parser"),
    ("use crate::geometry::Po", "geometry"),
    ("node->nex", "node"),
    ("self.cache . ge", "cache"),
    ("call(argument", None),
    ("utils.\n", None),  # the receiver was on the line before
])
def test_receiver_is_the_name_whose_member_is_typed(prefix: str, expected: str | None) -> None:
    assert receiver(prefix) == expected


@pytest.mark.parametrize(("prefix", "name", "expected"), [
    ("app = flask.Flask(__name__)\n\n\n@app.get('/')\ndef index():\n    app.", "app", "Flask"),
    ("def run(p: Parser) -> None:\n    p.", "p", "Parser"),  # Python, TS, Rust
    ("fn run(p: &mut Parser) {\n    p.", "p", "Parser"),
    ("c := geom.Circle{Radius: 2}\n\tc.", "c", "Circle"),  # Go
    ("func (c *Circle) Grow() {\n\tc.", "c", "Circle"),
    ("let mut p = Parser::new(src);\n    p.", "p", "Parser"),
    ("const s = new Store<Item>();\ns.", "s", "Store"),
    ("List<String> items = new ArrayList<>();\nitems.", "items", "ArrayList"),  # Java
    ("Parser p;\np.", "p", "Parser"),
    ("rows = load(path)\nrows.", "rows", None),  # a call: its result type is not written
    ("env = Environment()\nenv = other_env\nenv.", "env", None),  # the latest value wins
    ("if app == Flask(x):\n    app.", "app", None),  # a comparison declares nothing
])
def test_declared_type_of_a_receiver(prefix: str, name: str, expected: str | None) -> None:
    assert declared_type(prefix, name) == expected


def test_activity_ring_is_bounded_and_newest_first() -> None:
    activity = Activity(capacity=3)
    a, b = Path("/repo/a.py"), Path("/repo/b.py")
    for line in (0, 100, 200, 300):
        activity.viewed(a, line)
    activity.edited(b, 0)
    assert activity.recent() == [Place(b, 0, True), Place(a, 300, False),
                                 Place(a, 200, False)]


def test_activity_merges_nearby_places_and_keeps_the_edit_mark() -> None:
    activity = Activity()
    a, b = Path("/repo/a.py"), Path("/repo/b.py")
    activity.edited(a, 10)
    activity.viewed(b, 12)  # another file: not merged
    activity.viewed(a, 40)
    activity.viewed(a, 16)  # within 8 lines of the edit: replaces it, still an edit
    assert activity.recent() == [Place(a, 16, True), Place(a, 40, False),
                                 Place(b, 12, False)]


def write_git_config(root: Path, text: str) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("url", ["git@github.com:owner/name.git",
                                 "https://github.com/owner/name.git",
                                 "ssh://git@example.org:2222/owner/name/"])
def test_repository_name_from_the_origin_remote(tmp_path: Path, url: str) -> None:
    root = write_git_config(tmp_path / "checkout", (
        '[core]\n\tbare = false\n[remote "upstream"]\n\turl = git@github.com:other/fork.git\n'
        f'[remote "origin"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n'))
    assert repository_name(root) == "owner/name"


def test_repository_name_is_the_folder_without_an_origin(tmp_path: Path) -> None:
    plain = tmp_path / "plain-folder"
    plain.mkdir()
    assert repository_name(plain) == "plain-folder"
    local = write_git_config(tmp_path / "local-only", "[core]\n\tbare = false\n")
    assert repository_name(local) == "local-only"
    broken = write_git_config(tmp_path / "broken", "this is not [an ini\n")
    assert repository_name(broken) == "broken"
