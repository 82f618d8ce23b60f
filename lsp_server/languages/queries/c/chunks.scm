; Chunk candidates: each @chunk may stand alone in the search index; what lies between
; them (includes, declarations, macros) is grouped into runs (indexing/chunking.py).

(function_definition) @chunk
(struct_specifier body: (_)) @chunk
(enum_specifier body: (_)) @chunk
(type_definition) @chunk
