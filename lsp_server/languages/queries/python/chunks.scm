; Chunk candidates: each @chunk may stand alone in the search index; what lies between
; them (top-level statements) is grouped into runs (lsp_server/indexing/chunking.py).

(function_definition) @chunk
(class_definition) @chunk
(decorated_definition) @chunk
