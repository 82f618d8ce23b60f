; Imports: @import is the statement, @module the specifier, @name an imported name
; ("*" for all), @alias the local name. A default or namespace import has only an @alias.

(import_statement
  (import_clause (identifier) @alias)
  source: (string (string_fragment) @module)) @import

(import_statement
  (import_clause (namespace_import (identifier) @alias))
  source: (string (string_fragment) @module)) @import

(import_statement
  (import_clause (named_imports (import_specifier name: (_) @name alias: (_)? @alias)))
  source: (string (string_fragment) @module)) @import

(import_statement source: (string (string_fragment) @module)) @import

(export_statement
  (export_clause (export_specifier name: (_) @name alias: (_)? @alias))
  source: (string (string_fragment) @module)) @import

(export_statement "*" @name source: (string (string_fragment) @module)) @import

(variable_declarator
  name: (identifier) @alias
  value: (call_expression
    function: (identifier) @_require
    arguments: (arguments . (string (string_fragment) @module)))
  (#eq? @_require "require")) @import

(variable_declarator
  name: (object_pattern (shorthand_property_identifier_pattern) @name)
  value: (call_expression
    function: (identifier) @_require
    arguments: (arguments . (string (string_fragment) @module)))
  (#eq? @_require "require")) @import
