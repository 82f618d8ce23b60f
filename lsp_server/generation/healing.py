"""Token healing: let the model re-choose the tokens that end at the cursor.

A prompt cut at the cursor ends on a token boundary the tokenizer would not pick in
running text: ``"    "`` (one 4-space token) where code has ``"   "`` + ``" return"``, or
``"x = "`` where code has ``" ="`` + ``" foo"``. Models then add a stray space or miss
one. So the prompt drops its last token and the first generated tokens are constrained
to spell it out again; the model picks the split it knows (see Guidance's "token
healing"). The healed text is typed already, so it is not part of the completion.
"""

from __future__ import annotations

import bisect
import ctypes
from collections.abc import Callable

import numpy as np


class TokenHealer:
    """An index of every token's bytes, built once per model on first use."""

    def __init__(self, n_vocab: int, piece: Callable[[int], bytes],
                 is_control: Callable[[int], bool]) -> None:
        entries = sorted(
            (data, token) for token in range(n_vocab)
            if (data := piece(token)) and not is_control(token)
        )
        self._pieces = [data for data, _ in entries]
        self._ids = [token for _, token in entries]
        self._exact: dict[bytes, list[int]] = {}
        for data, token in entries:
            self._exact.setdefault(data, []).append(token)

    def candidates(self, remaining: bytes) -> list[int]:
        """Tokens consistent with ``remaining``: a prefix of it, or starting with it."""
        found: list[int] = []
        for end in range(1, len(remaining)):
            found.extend(self._exact.get(remaining[:end], ()))
        lo = bisect.bisect_left(self._pieces, remaining)
        hi = lo
        while hi < len(self._pieces) and self._pieces[hi].startswith(remaining):
            hi += 1
        found.extend(self._ids[lo:hi])
        return found


def pick_token(
    logits_ptr: ctypes._Pointer[ctypes.c_float], n_vocab: int, allowed: list[int],
    temperature: float, rng: np.random.Generator,
) -> int:
    """Greedy (temperature 0) or sampled choice among ``allowed`` from the last logits."""
    logits = np.ctypeslib.as_array(logits_ptr, shape=(n_vocab,))
    ids = np.asarray(allowed, dtype=np.int64)
    scores = logits[ids].astype(np.float64)
    if temperature <= 0:
        return int(ids[int(np.argmax(scores))])
    weights = np.exp((scores - scores.max()) / temperature)
    return int(rng.choice(ids, p=weights / weights.sum()))
