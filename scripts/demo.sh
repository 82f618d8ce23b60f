#!/usr/bin/env bash
# From a fresh clone to a real completion: set up, get the default model, complete the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh
model_name="qwen2.5-coder-0.5b-instruct"
if ! .venv/bin/llama-lsp models path "$model_name" >/dev/null 2>&1; then
  .venv/bin/llama-lsp models pull "$model_name"
fi
echo "--- examples/demo/geometry.py, line 11, column 9 (the body of Circle.area):" >&2
.venv/bin/llama-lsp complete examples/demo/geometry.py --line 11 --col 9 --model "$model_name"
