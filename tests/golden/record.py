"""Record what a real model writes for each golden case (a helper, not a test).

    python -m tests.golden.record [LANGUAGE ...] > raw.json

Runs the eval model (LLAMA_LSP_EVAL_MODEL, default Qwen2.5-Coder-0.5B-Instruct) on each
case's cursor with greedy decoding and no early stop, and prints the raw outputs as JSON;
paste the interesting ones into the case files as ``raw`` (``source = "recorded ..."``).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace

from lsp_server.config import Settings
from lsp_server.generation.loader import load_model
from lsp_server.prompting.fim_request import prepare_fim
from tests.conftest import EVAL_MODEL_DEFAULT
from tests.golden.cases import load_cases


def main(languages: list[str]) -> int:
    path = os.environ.get("LLAMA_LSP_EVAL_MODEL", str(EVAL_MODEL_DEFAULT))
    settings = Settings(n_ctx=4096, n_threads=1, max_tokens=96, temperature=0.0)
    model = load_model(settings, path)
    out = {}
    for case in load_cases():
        if languages and case.language not in languages:
            continue
        prepared = prepare_fim(model, case.cursor, settings, case.language)
        request = replace(prepared.request, stop_check=None)
        out[case.id] = model.engine.submit(request).result().text
        print(case.id, file=sys.stderr)
    print(json.dumps(out, indent=1, ensure_ascii=False))
    model.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
