"""The repository index: every source file's definitions, imports and chunks, in SQLite.

What the daemon uses (``lsp_server.indexing.service.WorkspaceIndex``)::

    index = WorkspaceIndex.for_settings(workspace_folders, settings, progress=report)
    index.start()                      # Future[IndexReport]: the start-up scan
    index.reader.definitions("parse_config", module="app.config")
    index.reader.imports(path)         # what a file imports, resolved to definitions
    index.reader.scope_at(path, line, column)
    index.reader.search(text, k=10)    # BM25 chunks
    index.reader.chunks(path)
    index.overlay(path, unsaved_text)  # didChange (debounced by the caller)
    index.clear_overlay(path)          # didClose / didSave
    index.close()

Progress: ``progress(done: int, total: int, message: str)`` is called from the writer
thread. The first call of a scan has ``total == 0`` (files are still being found: LSP
``$/progress`` *begin*, no percentage); later calls have ``0 <= done <= total`` after
each written batch (*report*, percentage ``done * 100 // total``); the last call of a scan
has ``done == total`` (``0, 0`` when nothing needed parsing) and the scan's future
completes right after it (*end*). Watcher updates and overlays report nothing.

Modules, in the order data flows: ``policy`` / ``ignore`` / ``walk`` (what may be read),
``pool`` / ``parse`` / ``extract`` / ``docs`` / ``chunking`` / ``tokens`` (a file's rows, in
worker processes), ``trees`` (incremental re-parsing of edited files, in-process),
``store`` / ``loader`` / ``rows`` / ``database`` (the one writer; an edit rewrites only the
chunks it changed), ``indexer`` (scans and updates), ``watcher``, ``service`` (the daemon's
object), ``reader`` / ``resolve`` / ``records`` (the read API).
"""
