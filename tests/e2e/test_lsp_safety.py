"""The safety policy over LSP: a blocked completion is never shown, a warned one is shown
with a ``llama-lsp/securityNotice`` and a log line; settings turn rules and levels off."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_lsp import LanguageClient

from lsp_server import protocol
from tests.e2e.lsp import inline_params, lsp_session, open_doc, plain


def collect_notices(client: LanguageClient) -> list[dict[str, Any]]:
    notices: list[dict[str, Any]] = []

    @client.feature(protocol.SECURITY_NOTICE)
    def on_notice(params: Any) -> None:
        notices.append(plain(params))

    return notices


async def arrived(client: LanguageClient, notices: list[dict[str, Any]]) -> None:
    """Notices are sent before the answer, but may be read after it: wait a little."""
    if not notices:
        await asyncio.wait_for(client.wait_for_notification(protocol.SECURITY_NOTICE), 10)


async def complete_at(client: LanguageClient, path: Path, text: str, line: int,
                      character: int) -> list[str]:
    uri = open_doc(client, path, text)
    result = await client.text_document_inline_completion_async(
        inline_params(uri, line, character))
    assert result is not None
    return [item.insert_text for item in result.items]


async def test_a_high_severity_completion_is_blocked_and_noticed(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 4,
               "speculative": False}
    async with lsp_session(tmp_path, options) as client:
        notices = collect_notices(client)
        text = "import yaml\n\nconfig = yaml.load()\n"
        shown = await complete_at(client, tmp_path / "load.py", text, 2, 19)
        assert shown == []  # "aaaa" inside yaml.load(...) without a SafeLoader
        await arrived(client, notices)
        assert [(n["rule"], n["cwe"], n["severity"], n["line"], n["action"]) for n in notices] \
            == [("python-yaml-load", "CWE-502", "high", 2, "block")]
        assert any("python-yaml-load" in m.message and "hidden" in m.message
                   for m in client.log_messages)


async def test_a_medium_severity_completion_is_shown_with_a_warning(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 10,
               "speculative": False}
    async with lsp_session(tmp_path, options) as client:
        notices = collect_notices(client)
        shown = await complete_at(client, tmp_path / "db.py", 'db_password = ""\n', 0, 15)
        assert len(shown) == 1 and set(shown[0]) == {"a"} and len(shown[0]) >= 6  # a password
        await arrived(client, notices)
        assert [(n["rule"], n["line"], n["action"]) for n in notices] == [
            ("secret-hardcoded-password", 0, "warn")]


async def test_levels_and_rules_can_be_turned_off(
    tiny_model: Callable[..., Path], tmp_path: Path
) -> None:
    options = {"model": str(tiny_model("codellama", emit="a")), "maxTokens": 10,
               "speculative": False, "safetyHigh": "warn",
               "safetyDisabledRules": ["secret-hardcoded-password"]}
    async with lsp_session(tmp_path, options) as client:
        notices = collect_notices(client)
        shown = await complete_at(client, tmp_path / "db.py", 'db_password = ""\n', 0, 15)
        assert len(shown) == 1 and notices == []  # the rule is disabled: no notice
        text = "import yaml\n\nconfig = yaml.load()\n"
        shown = await complete_at(client, tmp_path / "load.py", text, 2, 19)
        assert len(shown) == 1 and set(shown[0]) == {"a"}  # high now only warns
        await arrived(client, notices)
        assert [(n["rule"], n["action"]) for n in notices] == [("python-yaml-load", "warn")]
