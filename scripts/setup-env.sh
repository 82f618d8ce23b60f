#!/usr/bin/env bash
# Create ./.venv (if missing) and install llama-lsp into it, with the dev tools when asked.
# usage: scripts/setup-env.sh [--dev]      (set CMAKE_ARGS for a GPU build, see README)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"
# llama-cpp-python compiles llama.cpp on first install (several minutes); pip caches the wheel.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
