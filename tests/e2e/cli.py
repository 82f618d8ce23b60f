"""Run the installed ``llama-lsp`` command as a user would, in a clean environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_cli(*args: str | Path, home: Path, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LLAMA_LSP_")}
    clean.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                  "XDG_CACHE_HOME": str(home / ".cache")})
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "lsp_server.cli", *map(str, args)],
        capture_output=True, text=True, timeout=300, env=clean, cwd=cwd or home,
    )


def run_json(*args: str | Path, home: Path, **kw: Any) -> dict[str, Any]:
    done = run_cli(*args, "--json", home=home, **kw)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result
