; Chunk candidates: each @chunk may stand alone in the search index; what lies between
; them (top-level declarations) is grouped into runs (lsp_server/indexing/chunking.py).

(function_declaration) @chunk
(method_declaration) @chunk
(type_declaration) @chunk
