; Chunk candidates: each @chunk may stand alone in the search index; what lies between
; them (top-level statements) is grouped into runs (lsp_server/indexing/chunking.py).

(function_declaration) @chunk
(generator_function_declaration) @chunk
(class_declaration) @chunk
(method_definition) @chunk
(export_statement declaration: (_)) @chunk
(lexical_declaration (variable_declarator value: [(arrow_function) (function_expression)])) @chunk
(variable_declaration (variable_declarator value: [(arrow_function) (function_expression)])) @chunk
