"""What this llama.cpp build can do (CPU features, CUDA/Metal offload)."""

from __future__ import annotations

from typing import Any

import llama_cpp


def system_info() -> dict[str, Any]:
    raw = llama_cpp.llama_print_system_info()
    return {
        "info": raw.decode("utf-8", "replace").strip() if isinstance(raw, bytes) else str(raw),
        "gpu_offload": bool(llama_cpp.llama_supports_gpu_offload()),
        "mmap": bool(llama_cpp.llama_supports_mmap()),
        "mlock": bool(llama_cpp.llama_supports_mlock()),
        "llama_cpp_python": llama_cpp.__version__,
    }
