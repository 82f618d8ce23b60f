; Imports (TypeScript and TSX, `import type` included): the patterns of JavaScript,
; which the TypeScript grammar shares (see javascript/imports.scm for the captures).
; inherits: javascript
