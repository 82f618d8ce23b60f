"""The LSP layer: the only place that imports pygls and lsprotocol.

``app`` holds the server object and the document/completion handlers, ``commands`` the
``workspace/executeCommand`` handlers, ``progress`` the ``$/progress`` streams and
``jsonrpc`` the protocol fix-up that answers malformed requests. Everything they call
(session, pipeline, assist, indexing) is testable without LSP.
"""

from lsp_server.server import commands  # registers the commands on the server
from lsp_server.server.app import LlamaLanguageServer, server

__all__ = ["LlamaLanguageServer", "commands", "server"]
