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
    """An index of every token's bytes, built once per model when it loads (about 0.3 s
    for a 151k vocabulary: on the first keystroke it would delay the first suggestion)."""

    def __init__(self, pieces: list[bytes], is_control: Callable[[int], bool]) -> None:
        ids = [token for token, data in enumerate(pieces) if data and not is_control(token)]
        ids.sort(key=pieces.__getitem__)  # stable: equal pieces stay in id order
        self._ids = ids
        self._pieces = [pieces[token] for token in ids]

    def candidates(self, remaining: bytes) -> list[int]:
        """Tokens consistent with ``remaining``: a prefix of it, or starting with it."""
        found: list[int] = []
        for end in range(1, len(remaining)):
            part = remaining[:end]
            found.extend(self._ids[bisect.bisect_left(self._pieces, part):
                                   bisect.bisect_right(self._pieces, part)])
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
