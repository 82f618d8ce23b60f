"""GPU offload is configuration only: the same code path, different load parameters.

No GPU is available where these run, so they check the parameters handed to llama.cpp
and that an offload configuration still loads and generates on a CPU-only build.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import llama_cpp

from lsp_server.config import Settings
from lsp_server.generation.backend import GenerationRequest
from lsp_server.generation.gguf_file import read_gguf
from lsp_server.generation.llama_cpp import LlamaCppBackend, load_params
from lsp_server.generation.memory import estimate_memory

GPU = Settings(n_gpu_layers=-1, main_gpu=1, tensor_split=[0.25, 0.75], flash_attn=True,
               kv_cache_type="q4_0", n_ctx=512)


def test_offload_settings_reach_llama_cpp() -> None:
    params = load_params(GPU)
    assert params["n_gpu_layers"] == -1 and params["main_gpu"] == 1
    assert params["tensor_split"] == [0.25, 0.75] and params["flash_attn"] is True
    assert params["type_k"] == params["type_v"] == llama_cpp.GGML_TYPE_Q4_0


def test_quantized_v_cache_needs_flash_attention() -> None:
    params = load_params(Settings(kv_cache_type="q8_0", flash_attn=False))
    assert params["type_k"] == llama_cpp.GGML_TYPE_Q8_0
    assert params["type_v"] == llama_cpp.GGML_TYPE_F16


def test_offload_configuration_loads_and_generates_on_this_build(
    tiny_model: Callable[..., Path],
) -> None:
    backend = LlamaCppBackend(tiny_model("codellama", emit="a"), GPU.model_copy(
        update={"main_gpu": 0, "tensor_split": None}))
    result = backend.generate(GenerationRequest([1, *backend.tokenize("x")], max_tokens=3))
    assert result.text == "aaa"
    backend.close()


def test_kv_estimate_follows_cache_type(tiny_model: Callable[..., Path]) -> None:
    info = read_gguf(tiny_model("codellama"))
    f16 = estimate_memory(info, 1000, "f16")
    q4 = estimate_memory(info, 1000, "q4_0")
    no_fa = estimate_memory(info, 1000, "q4_0", flash_attn=False)
    assert f16.kv_bytes_per_token == 2 * 2 * 1 * 32 * 2  # (K+V) x layers x kv heads x dim x 2B
    assert q4.kv_total_bytes < no_fa.kv_total_bytes < f16.kv_total_bytes


def test_quantized_k_without_flash_attention_loads(tiny_model: Callable[..., Path]) -> None:
    settings = Settings(kv_cache_type="q8_0", flash_attn=False, n_ctx=256)
    backend = LlamaCppBackend(tiny_model("codellama", emit="a"), settings)
    assert backend.generate(GenerationRequest([1, 5], max_tokens=2)).text == "aa"
    backend.close()
