; Imports: @import is the declaration, @module the package (or class, for static
; imports), @name the imported class or member ("*" for all).

(import_declaration (scoped_identifier scope: (_) @module name: (identifier) @name) .) @import
(import_declaration (scoped_identifier) @module (asterisk) @name) @import
