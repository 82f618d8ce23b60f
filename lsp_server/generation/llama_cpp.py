"""The in-process llama.cpp backend (llama-cpp-python).

The same code path serves CPU, CUDA and Metal builds: offload is only the load
parameters (n_gpu_layers, main_gpu, tensor_split, flash_attn, KV cache type).
KV state is kept between requests and the longest common token prefix is reused, which
is what makes consecutive keystrokes cheap; context blocks that only moved are shifted
in the cache instead of evaluated again (kv_reuse.py; ARCHITECTURE.md, "Decisions that
matter for speed"). Not thread-safe by design: worker.Engine owns it on one thread.
"""

from __future__ import annotations

import ctypes
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import llama_cpp
import numpy as np

from lsp_server.errors import ConfigError, ModelInvalidError, PromptTooLongError
from lsp_server.generation.backend import GenerationRequest, GenerationResult, TokenReport
from lsp_server.generation.gguf_file import GGUFInfo, read_gguf
from lsp_server.generation.healing import TokenHealer, pick_token
from lsp_server.generation.kv_reuse import KvPlan, plan_reuse
from lsp_server.generation.memory import check_fits, head_sizes
from lsp_server.generation.text_stream import TextStream

if TYPE_CHECKING:
    from lsp_server.config import Settings

KV_TYPES = {"f16": llama_cpp.GGML_TYPE_F16, "q8_0": llama_cpp.GGML_TYPE_Q8_0,
            "q4_0": llama_cpp.GGML_TYPE_Q4_0}


def load_params(settings: Settings) -> dict[str, Any]:
    """llama_cpp.Llama keyword arguments for these settings (GPU offload included).

    llama.cpp can only quantize the V cache with flash attention; without it the V cache
    stays f16 and only K is quantized (doctor reports the resulting size).
    """
    kv_type = KV_TYPES[settings.kv_cache_type]
    return {
        "n_ctx": settings.n_ctx,
        "n_batch": settings.n_batch,
        "n_ubatch": settings.n_batch,
        "n_threads": settings.n_threads or max(1, os.cpu_count() or 1),
        "n_gpu_layers": settings.n_gpu_layers,
        "main_gpu": settings.main_gpu,
        "tensor_split": settings.tensor_split,
        "flash_attn": settings.flash_attn,
        "type_k": kv_type,
        "type_v": kv_type if settings.flash_attn else llama_cpp.GGML_TYPE_F16,
        "use_mmap": settings.use_mmap,
        "use_mlock": settings.use_mlock,
        "seed": llama_cpp.LLAMA_DEFAULT_SEED if settings.seed < 0 else settings.seed,
        "verbose": False,
    }


def _check_kv_cache_type(info: GGUFInfo, kv_cache_type: str) -> None:
    """Quantized KV rows are 32-element blocks; llama.cpp aborts the process on a head size
    that is not a multiple of 32 (seen with q8_0 K and no flash attention), so refuse first."""
    if kv_cache_type == "f16":
        return
    sizes = head_sizes(info)
    if any(size % 32 for size in sizes):
        raise ConfigError(
            f"kv_cache_type={kv_cache_type} cannot be used with {info.path.name}: its attention "
            f"head size {sizes[0]} is not a multiple of 32; use kv_cache_type=f16"
        )


class LlamaCppBackend:
    """A GGUF loaded in this process."""

    def __init__(self, path: Path | str, settings: Settings) -> None:
        self.path = Path(path).expanduser()
        self.info: GGUFInfo = read_gguf(self.path)  # clear errors before llama.cpp sees it
        _check_kv_cache_type(self.info, settings.kv_cache_type)
        check_fits(self.info, settings)  # before llama.cpp allocates the KV cache
        try:
            self.llm = llama_cpp.Llama(model_path=str(self.path), **load_params(settings))
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelInvalidError(self.path, f"llama.cpp could not load it ({exc})") from exc
        self._vocab = self.llm._model.vocab
        self._healer = TokenHealer(
            self._all_pieces(), lambda t: bool(llama_cpp.llama_vocab_is_control(self._vocab, t)))
        self._rng = np.random.default_rng(settings.seed if settings.seed >= 0 else None)
        # A shift re-applies RoPE to the cached keys. With a quantized K cache that means
        # dequantize-rotate-requantize, which loses visible precision, and llama.cpp was
        # seen to crash building that graph for a head size of 32: shift f16 keys only.
        memory = llama_cpp.llama_get_memory(self.llm._ctx.ctx)
        self.can_shift = settings.kv_cache_type == "f16" and bool(
            memory and llama_cpp.llama_memory_can_shift(memory))
        self._ends: tuple[int, ...] = ()  # block ends of what the KV cache holds
        self.adds_space_prefix = self.info.metadata.get("tokenizer.ggml.model") == "llama" and bool(
            self.info.metadata.get("tokenizer.ggml.add_space_prefix", True)
        )

    @property
    def n_ctx(self) -> int:
        return int(self.llm.n_ctx())

    def tokenize(self, text: str) -> list[int]:
        if not text:
            return []
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def piece(self, token: int) -> bytes:
        """The exact bytes of one token (no leading-space stripping)."""
        size = 64
        while True:
            buf = ctypes.create_string_buffer(size)
            n = llama_cpp.llama_token_to_piece(self._vocab, token, buf, size, 0, False)
            if n >= 0:
                return buf.raw[:n]
            size = -n

    def _all_pieces(self) -> list[bytes]:
        """Every token's bytes, with one buffer (a new one per token costs twice as long)."""
        size = 256
        buf = ctypes.create_string_buffer(size)
        pieces = []
        for token in range(self.llm.n_vocab()):
            n = llama_cpp.llama_token_to_piece(self._vocab, token, buf, size, 0, False)
            pieces.append(buf.raw[:n] if n >= 0 else self.piece(token))
        return pieces

    def detokenize(self, ids: list[int]) -> str:
        return b"".join(self.piece(t) for t in ids).decode("utf-8", errors="replace")

    def is_end_of_generation(self, token: int) -> bool:
        return bool(llama_cpp.llama_vocab_is_eog(self._vocab, token))

    def generate(
        self, request: GenerationRequest, on_text: Callable[[str], None] | None = None
    ) -> GenerationResult:
        """Evaluate the prompt (reusing the cached prefix) and sample until a stop."""
        prompt = request.prompt_ids
        if not prompt or len(prompt) + 1 > self.n_ctx:
            raise PromptTooLongError(
                f"a prompt of {len(prompt)} tokens does not fit n_ctx={self.n_ctx}; "
                "raise n_ctx or lower max_prefix_tokens / max_suffix_tokens"
            )
        report = TokenReport(prompt=len(prompt))
        result = GenerationResult("", "cancelled", report)
        plan = self._reuse(prompt, request.segments)
        report.reused, report.evaluated = plan.reused, len(prompt) - plan.reused
        report.shifted, report.dropped = plan.shifted, plan.dropped
        if not self._eval(prompt[plan.reused:], request, result):
            return result
        result.prompt_ms = result.eval_ms
        stream = TextStream(request.stop_strings)
        result.stop_reason = "max_tokens"
        heal = request.heal.encode("utf-8")
        skip = len(heal)  # healed bytes are re-generated but not returned
        room = self.n_ctx - len(prompt)  # never decode past the context window
        for _ in range(min(request.max_tokens, room)):
            if request.cancel.is_set():
                result.stop_reason = "cancelled"
                break
            start = time.perf_counter()
            token = self._heal_step(heal, request) if heal else self._sample(request)
            result.sample_ms += (time.perf_counter() - start) * 1000
            if token in request.stop_ids or self.is_end_of_generation(token):
                result.stop_reason = "eog"
                break
            result.generated_ids.append(token)
            report.generated += 1
            data = self.piece(token)
            if heal and not (heal.startswith(data) or data.startswith(heal)):
                skip = 0  # nothing could spell it: keep all that was generated
            heal = heal[len(data):] if heal.startswith(data) else b""
            data, skip = data[skip:], max(0, skip - len(data))
            fresh = stream.push(data)
            if not stream.stopped and request.stop_check is not None:
                keep = request.stop_check(stream.text)
                if keep is not None:
                    stream.truncate(keep)
                    result.stop_reason = "stop_check"
            elif stream.stopped:
                result.stop_reason = "stop_string"
            if fresh and on_text is not None:
                on_text(fresh)
            if stream.stopped or not self._eval([token], request, result):
                break
        tail = stream.finish()
        if tail and on_text is not None:
            on_text(tail)
        result.text = stream.text
        return result

    def _reuse(self, prompt: list[int], segments: tuple[int, ...]) -> KvPlan:
        """Keep what the plan keeps in the KV cache: cut the dropped ranges out and shift
        what follows them left, so the cache holds prompt[:plan.reused] at 0..reused."""
        cached = self.llm.input_ids[: self.llm.n_tokens].tolist()
        plan = plan_reuse(cached, self._ends, prompt, segments, shift=self.can_shift)
        self._ends = segments  # generated tokens fall in the tail
        if plan.removals:
            memory = llama_cpp.llama_get_memory(self.llm._ctx.ctx)
            llama_cpp.llama_memory_seq_rm(memory, 0, plan.cached_end, -1)
            for start, end in reversed(plan.removals):
                if not llama_cpp.llama_memory_seq_rm(memory, 0, start, end):
                    llama_cpp.llama_memory_clear(memory, True)  # never a half-shifted cache
                    plan = KvPlan()
                    break
                llama_cpp.llama_memory_seq_add(memory, 0, end, -1, start - end)
            self.llm.input_ids[: plan.reused] = prompt[: plan.reused]
        # Llama.eval removes cache positions from n_tokens on, then decodes from there.
        self.llm.n_tokens = plan.reused
        return plan

    def _eval(
        self, tokens: list[int], request: GenerationRequest, result: GenerationResult
    ) -> bool:
        """Evaluate in n_batch chunks so a cancel lands between chunks; False if cancelled."""
        step = max(1, self.llm.n_batch)
        for i in range(0, len(tokens), step):
            if request.cancel.is_set():
                result.stop_reason = "cancelled"
                return False
            start = time.perf_counter()
            self.llm.eval(tokens[i : i + step])
            result.eval_ms += (time.perf_counter() - start) * 1000
        return True

    def _heal_step(self, remaining: bytes, request: GenerationRequest) -> int:
        """The likeliest token that spells (part of) the healed text."""
        allowed = self._healer.candidates(remaining)
        if not allowed:
            return self._sample(request)
        logits = llama_cpp.llama_get_logits_ith(self.llm._ctx.ctx, -1)
        return pick_token(logits, self.llm.n_vocab(), allowed, request.sampling.temperature,
                          self._rng)

    def _sample(self, request: GenerationRequest) -> int:
        # Plain sampling. Context-aware decoding (each token scored by how much the
        # repository context raises its log-probability over the local window alone, a
        # second sequence evaluating the window) was measured on 40 dev cases: the expected
        # cross-file name was written 18 times instead of 19, so it was not kept.
        s = request.sampling
        return int(self.llm.sample(top_k=s.top_k, top_p=s.top_p, min_p=0.0, temp=s.temperature))

    def close(self) -> None:
        self.llm.close()
