; Definitions: @definition.<kind> is the whole definition (its range), @name its name,
; @body where the signature ends. Doc comments are the ///, //! or /** */ comments above
; it (attributes in between are skipped). An impl block is a scope named after its type.

(function_item name: (identifier) @name body: (_) @body) @definition.function
(function_signature_item name: (identifier) @name) @definition.method
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name body: (_) @body) @definition.enum
(trait_item name: (type_identifier) @name body: (_) @body) @definition.trait
(impl_item type: [(type_identifier) @name (generic_type type: (type_identifier) @name)] body: (_) @body) @definition.impl
(type_item name: (type_identifier) @name) @definition.type
(mod_item name: (identifier) @name body: (_) @body) @definition.module
(macro_definition name: (identifier) @name) @definition.macro
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.variable
(field_declaration name: (field_identifier) @name) @definition.field
