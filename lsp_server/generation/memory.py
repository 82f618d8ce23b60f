"""How much memory a model and its KV cache need, from the GGUF header alone.

The 100k-token promise depends on this: KV bytes per token = 2 (K and V) x layers x
KV heads x head size x bytes per element; Code Llama 7B needs 512 KiB per token in f16,
Qwen2.5-Coder-7B 56 KiB. Checked before load so a configuration that cannot fit is
refused with a message that says what would.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsp_server.errors import ConfigError
from lsp_server.generation.gguf_file import GGUFInfo

if TYPE_CHECKING:
    from lsp_server.config import Settings

log = logging.getLogger(__name__)

# Bytes per cached element: ggml block size / elements per block.
KV_ELEMENT_BYTES = {"f16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}


@dataclass(frozen=True)
class MemoryEstimate:
    kv_bytes_per_token: int
    kv_total_bytes: int
    model_bytes: int
    n_ctx: int
    kv_cache_type: str

    @property
    def total_bytes(self) -> int:
        return self.kv_total_bytes + self.model_bytes


def head_sizes(info: GGUFInfo) -> tuple[int, int]:
    """(key, value) head sizes: explicit in the GGUF, else embedding / heads."""
    heads = int(info.arch_value("attention.head_count", 1)) or 1
    embd = int(info.arch_value("embedding_length", 0))
    key_len = int(info.arch_value("attention.key_length", embd // heads))
    return key_len, int(info.arch_value("attention.value_length", key_len))


def kv_bytes_per_token(info: GGUFInfo, kv_cache_type: str, *, flash_attn: bool = True) -> int:
    """K and V bytes one token occupies (V stays f16 without flash attention)."""
    layers = int(info.arch_value("block_count", 0))
    kv_heads = int(info.arch_value("attention.head_count_kv",
                                   info.arch_value("attention.head_count", 1)))
    key_len, value_len = head_sizes(info)
    k_bytes = KV_ELEMENT_BYTES[kv_cache_type]
    v_bytes = k_bytes if flash_attn else KV_ELEMENT_BYTES["f16"]
    return int(layers * kv_heads * (key_len * k_bytes + value_len * v_bytes))


def estimate_memory(
    info: GGUFInfo, n_ctx: int, kv_cache_type: str, *, flash_attn: bool = True
) -> MemoryEstimate:
    per_token = kv_bytes_per_token(info, kv_cache_type, flash_attn=flash_attn)
    return MemoryEstimate(per_token, per_token * n_ctx, info.path.stat().st_size, n_ctx,
                          kv_cache_type)


def available_ram_bytes() -> int | None:
    """MemAvailable from /proc/meminfo (Linux), else total physical memory, else None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def max_context_that_fits(info: GGUFInfo, budget_bytes: int, kv_cache_type: str) -> int:
    """The largest n_ctx whose KV cache fits next to the weights in ``budget_bytes``."""
    per_token = kv_bytes_per_token(info, kv_cache_type)
    spare = budget_bytes - info.path.stat().st_size
    return max(0, spare // per_token) if per_token else 0


def available_vram_bytes() -> int | None:
    """Free memory of the first CUDA device per nvidia-smi; None where unknown."""
    import shutil
    import subprocess

    if shutil.which("nvidia-smi") is None:
        return None
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=memory.free", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout
        return int(out.split()[0]) * 1024 * 1024
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def memory_budget(settings: Settings) -> int | None:
    """Bytes the model and its KV cache may use: free VRAM when offloading (if known),
    else available RAM; None when unknown."""
    offload = settings.n_gpu_layers != 0
    vram = available_vram_bytes() if offload else None
    return vram if offload and vram is not None else available_ram_bytes()


def check_fits(info: GGUFInfo, settings: Settings) -> None:
    """Refuse, before llama.cpp allocates anything, an ``n_ctx`` whose KV cache cannot fit
    next to the weights (saying what would), and warn past the trained context."""
    trained = int(info.arch_value("context_length", 0) or 0)
    if trained and settings.n_ctx > trained:
        log.warning("n_ctx=%d exceeds %s's trained context of %d tokens; completions past "
                    "it degrade unless the model is set up for RoPE scaling",
                    settings.n_ctx, info.path.name, trained)
    budget = memory_budget(settings)
    need = estimate_memory(info, settings.n_ctx, settings.kv_cache_type,
                           flash_attn=settings.flash_attn)
    if budget is not None and need.total_bytes > budget:
        most = max_context_that_fits(info, budget, settings.kv_cache_type)
        raise ConfigError(
            f"n_ctx={settings.n_ctx} needs {need.total_bytes / 2**30:.1f} GiB "
            f"({need.kv_total_bytes / 2**30:.1f} GiB KV cache in {settings.kv_cache_type} + "
            f"weights) but {budget / 2**30:.1f} GiB is available; n_ctx={most} would fit, or "
            "use kv_cache_type=q8_0 / q4_0 (with flash_attn)")
