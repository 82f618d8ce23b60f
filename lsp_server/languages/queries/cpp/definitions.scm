; Definitions: @definition.<kind> is the whole definition (its range), @name its name,
; @body where the signature ends, @scope an explicit owner (`void Widget::draw()`).
; Prototypes and member declarations count as definitions. Doc comments are the comments
; right above it (outside a template<...> line).

(function_definition
  declarator: [
    (function_declarator declarator: [(identifier) (field_identifier) (operator_name) (destructor_name)] @name)
    (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    (reference_declarator (function_declarator declarator: (identifier) @name))
  ]
  body: (_) @body) @definition.function

(function_definition
  declarator: [
    (function_declarator declarator: (qualified_identifier scope: (_) @scope name: (_) @name))
    (pointer_declarator declarator: (function_declarator declarator: (qualified_identifier scope: (_) @scope name: (_) @name)))
    (reference_declarator (function_declarator declarator: (qualified_identifier scope: (_) @scope name: (_) @name)))
  ]
  body: (_) @body) @definition.method

(field_declaration declarator: (function_declarator declarator: (_) @name)) @definition.method
(field_declaration_list (declaration declarator: (function_declarator declarator: (_) @name)) @definition.method)

(translation_unit
  (declaration
    declarator: [
      (function_declarator declarator: (identifier) @name)
      (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
    ]) @definition.function)

(class_specifier name: (type_identifier) @name body: (_) @body) @definition.class
(struct_specifier name: (type_identifier) @name body: (_) @body) @definition.struct
(union_specifier name: (type_identifier) @name body: (_) @body) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_) @body) @definition.enum
(namespace_definition name: (_) @name body: (_) @body) @definition.namespace
(type_definition declarator: (type_identifier) @name) @definition.type
(alias_declaration name: (type_identifier) @name) @definition.type
(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro
(field_declaration_list (field_declaration declarator: (field_identifier) @name) @definition.field)
