; Imports: @import is the `use` (or `mod name;`), @module the path before the imported
; name (crate::, self::, super:: kept), @name the imported name ("*" for all), @alias the
; `as` name. `mod name;` imports the module file itself (only @module).

(use_declaration argument: (scoped_identifier path: (_) @module name: (identifier) @name)) @import
(use_declaration argument: (identifier) @module) @import

(use_declaration
  argument: (use_as_clause
    path: (scoped_identifier path: (_) @module name: (identifier) @name)
    alias: (identifier) @alias)) @import

(use_declaration argument: (use_as_clause path: (identifier) @module alias: (identifier) @alias)) @import

(use_declaration
  argument: (scoped_use_list path: (_) @module list: (use_list (identifier) @name))) @import

(use_declaration
  argument: (scoped_use_list
    path: (_) @module
    list: (use_list (use_as_clause path: (identifier) @name alias: (identifier) @alias)))) @import

(use_declaration
  argument: (scoped_use_list path: (_) @module list: (use_list (self) @name))) @import

(use_declaration argument: (use_wildcard (_) @module "*" @name)) @import

(mod_item name: (identifier) @module !body) @import
