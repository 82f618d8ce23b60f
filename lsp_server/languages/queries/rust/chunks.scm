; Chunk candidates: each @chunk may stand alone in the search index; what lies between
; them (top-level items) is grouped into runs (lsp_server/indexing/chunking.py).

(function_item) @chunk
(impl_item) @chunk
(trait_item) @chunk
(struct_item) @chunk
(enum_item) @chunk
(mod_item body: (_)) @chunk
(macro_definition) @chunk
