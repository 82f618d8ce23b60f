"""The JSON-RPC layer under pygls, made to answer requests it cannot read.

pygls drops a request whose params do not match the LSP types (it logs the error and
sends nothing), which leaves the editor waiting on a reply that never comes. The LSP
says a malformed request gets an error response, so this protocol sends one
(InvalidParams, naming the method and what was wrong) before pygls drops it.
"""

from __future__ import annotations

import logging
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol

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
