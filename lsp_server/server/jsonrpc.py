"""The JSON-RPC layer under pygls, made to answer requests it cannot read.

pygls drops a request whose params do not match the LSP types (it logs the error and
sends nothing), which leaves the editor waiting on a reply that never comes. The LSP
says a malformed request gets an error response, so this protocol sends one
(InvalidParams, naming the method and what was wrong) before pygls drops it.

pygls also hands a command handler only its ``arguments``: the standard ``workDoneToken``
of ``workspace/executeCommand`` (where Neovim's ``vim.lsp`` and other generic clients put
the token they listen on) would be lost, so it is passed on inside the arguments, where
the commands read it (protocol.py).
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol, lsp_method

log = logging.getLogger(__name__)


class AnsweringProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" in data and "method" in data:  # a request: it must get an answer
                cause = exc.__cause__
                detail = str(cause).splitlines()[0] if cause else exc.message
                error = JsonRpcInvalidParams(f"invalid params for {data['method']}: {detail}")
                self._send_response(data["id"], error=error.to_response_error())
            raise

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(
        self, params: types.ExecuteCommandParams
    ) -> Generator[Any, Any, Any]:
        token, arguments = params.work_done_token, params.arguments
        if token is not None and arguments and isinstance(arguments[0], dict):
            arguments[0].setdefault("workDoneToken", token)
        return (yield from super().lsp_workspace__execute_command(params))
