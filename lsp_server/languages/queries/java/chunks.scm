; Chunk candidates: each @chunk may stand alone in the search index; what lies between
; them (package, imports, fields) is grouped into runs (lsp_server/indexing/chunking.py).

(class_declaration) @chunk
(record_declaration) @chunk
(interface_declaration) @chunk
(enum_declaration) @chunk
(method_declaration) @chunk
(constructor_declaration) @chunk
