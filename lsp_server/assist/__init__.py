"""Explain a selection and answer questions about the repository (chat, not FIM).

LSP-free library code: ``explain.explain`` and ``ask.ask`` take a loaded model, the
settings and plain paths and texts, stream text pieces through a callback and return
the final text with its token report. ``llama-lsp explain`` / ``ask`` and the server's
``llama-lsp.explain`` / ``llama-lsp.ask`` commands are thin callers.
"""
