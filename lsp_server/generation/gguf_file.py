"""Read a GGUF file's metadata without loading the model.

Family detection, ``doctor`` and the memory check need the key/value header (FIM token
ids, token texts, layer and head counts) before, or instead of, a multi-gigabyte load.
llama.cpp only says "failed to load" for a bad file, so this reader also turns a
missing, non-GGUF or truncated file into an error that names the path and the reason.
Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from lsp_server.errors import ModelInvalidError, ModelNotFoundError

_MAGIC = b"GGUF"
# GGUF value types -> struct format of one scalar (8 = string, 9 = array).
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
            10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
# ggml tensor types -> (bytes per block, elements per block), for the truncation check.
_TYPE_SIZES = {0: (4, 1), 1: (2, 1), 2: (18, 32), 3: (20, 32), 6: (22, 32), 7: (24, 32),
               8: (34, 32), 10: (84, 256), 11: (110, 256), 12: (144, 256), 13: (176, 256),
               14: (210, 256), 15: (292, 256), 30: (2, 1)}
# Arrays longer than this are skipped when the header is read and decoded on demand.
_LAZY_ARRAY = 64


@dataclass
class GGUFInfo:
    """The header of a GGUF file: scalar metadata plus lazily decoded long arrays."""

    path: Path
    version: int
    tensor_count: int
    metadata: dict[str, Any]
    _lazy: dict[str, tuple[int, int, int]] = field(default_factory=dict, repr=False)

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    def arch_value(self, key: str, default: Any = None) -> Any:
        """``{architecture}.{key}``, e.g. ``block_count`` or ``attention.head_count_kv``."""
        return self.metadata.get(f"{self.architecture}.{key}", default)

    def array(self, key: str) -> list[Any]:
        """A metadata array, decoding a long one (the token list) from the file on demand."""
        if key in self.metadata:
            value = self.metadata[key]
            return list(value) if isinstance(value, list) else [value]
        if key not in self._lazy:
            return []
        offset, item_type, count = self._lazy[key]
        with self.path.open("rb") as fh:
            fh.seek(offset)
            reader = _Reader(fh, self.path)
            return [reader.value(item_type) for _ in range(count)]

    @property
    def tokens(self) -> list[str]:
        return [str(t) for t in self.array("tokenizer.ggml.tokens")]


class _Reader:
    def __init__(self, fh: IO[bytes], path: Path) -> None:
        self.fh, self.path = fh, path

    def take(self, size: int) -> bytes:
        data = self.fh.read(size)
        if len(data) != size:
            raise ModelInvalidError(self.path, "file is truncated (GGUF header ends early)")
        return data

    def scalar(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        return self.take(self.scalar("<Q")).decode("utf-8", errors="replace")

    def value(self, vtype: int) -> Any:
        if vtype in _SCALARS:
            return self.scalar(_SCALARS[vtype])
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            item_type, count = self.scalar("<I"), self.scalar("<Q")
            return [self.value(item_type) for _ in range(count)]
        raise ModelInvalidError(self.path, f"unknown GGUF value type {vtype}")

    def skip(self, vtype: int, count: int) -> None:
        if vtype in _SCALARS:
            self.fh.seek(struct.calcsize(_SCALARS[vtype]) * count, 1)
            return
        skip_one: Callable[[], Any] = lambda: self.fh.seek(self.scalar("<Q"), 1)  # noqa: E731
        if vtype != _STRING:
            skip_one = lambda: self.value(vtype)  # noqa: E731
        for _ in range(count):
            skip_one()


def read_gguf(path: Path | str) -> GGUFInfo:
    """Parse the header of ``path``; raise a user-facing error for anything unusable."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ModelNotFoundError(path)
    size = path.stat().st_size
    with path.open("rb") as fh:
        if fh.read(4) != _MAGIC:
            raise ModelInvalidError(path, "not a GGUF file (wrong magic bytes)")
        reader = _Reader(fh, path)
        version = reader.scalar("<I")
        if version not in (2, 3):
            raise ModelInvalidError(path, f"unsupported GGUF version {version}")
        tensor_count, kv_count = reader.scalar("<Q"), reader.scalar("<Q")
        if kv_count > 1_000_000 or tensor_count > 1_000_000:
            raise ModelInvalidError(path, "corrupt GGUF header (implausible counts)")
        metadata: dict[str, Any] = {}
        lazy: dict[str, tuple[int, int, int]] = {}
        for _ in range(kv_count):
            key, vtype = reader.string(), reader.scalar("<I")
            if vtype == _ARRAY:
                item_type, count = reader.scalar("<I"), reader.scalar("<Q")
                if count > _LAZY_ARRAY:
                    lazy[key] = (fh.tell(), item_type, count)
                    reader.skip(item_type, count)
                else:
                    metadata[key] = [reader.value(item_type) for _ in range(count)]
            else:
                metadata[key] = reader.value(vtype)
        _check_tensor_data(reader, path, tensor_count, metadata, size)
    return GGUFInfo(path, version, tensor_count, metadata, lazy)


def _check_tensor_data(
    reader: _Reader, path: Path, tensor_count: int, metadata: dict[str, Any], size: int
) -> None:
    """Fail early when the file ends before its last tensor does (an interrupted copy)."""
    end = 0
    for _ in range(tensor_count):
        reader.string()
        dims = [reader.scalar("<Q") for _ in range(reader.scalar("<I"))]
        ggml_type, offset = reader.scalar("<I"), reader.scalar("<Q")
        block_bytes, block_elems = _TYPE_SIZES.get(ggml_type, (0, 1))
        elements = 1
        for dim in dims:
            elements *= dim
        end = max(end, offset + elements * block_bytes // block_elems)
    alignment = int(metadata.get("general.alignment", 32))
    data_start = -(-reader.fh.tell() // alignment) * alignment
    if data_start + end > size:
        raise ModelInvalidError(
            path, f"file is truncated ({size} bytes, tensors need {data_start + end})"
        )
