; Imports: @import is the #include, @module the included path ("..." and <...> alike;
; quotes and brackets are stripped when read).

(preproc_include path: [(string_literal) (system_lib_string)] @module) @import
