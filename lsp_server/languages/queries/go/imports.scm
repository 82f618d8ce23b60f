; Imports: @import is the spec, @module the import path (a package = a directory),
; @alias the local package name ("." and "_" included).

(import_spec
  name: (_)? @alias
  path: (interpreted_string_literal (interpreted_string_literal_content) @module)) @import
