; Definitions (JavaScript): the shared ones, and class fields (a node TypeScript names
; differently).
; inherits: ecmascript

(field_definition property: (_) @name) @definition.field
