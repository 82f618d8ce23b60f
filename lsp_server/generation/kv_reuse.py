"""Plan which part of the KV cache a new prompt can keep: the common prefix, plus context
blocks that only moved left because a block before them was dropped.

Why: the completion prompt is [repository-context blocks] + [local FIM window]. When
retrieval stops wanting a block in the middle, everything after it would differ from the
cache by position only, and the token-level common prefix alone would re-evaluate all of
it (seconds for a large context on CPU). llama.cpp can instead remove the dropped
positions and shift the later ones left (its K-shift re-applies RoPE), which costs next
to nothing. This module is the pure part: given what is cached and what is wanted, which
cached ranges to remove and how much is kept. llama_cpp.py applies the plan; keeping it
free of the model lets it be tested case by case.

Blocks are identified by their exact token ids. Blocks are never reordered, only dropped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KvPlan:
    """``kept`` are cached ranges [start, end) kept, in order; their concatenation is
    ``prompt[:reused]``. The gaps between them are removed and what follows shifts left."""

    kept: tuple[tuple[int, int], ...] = ()

    @property
    def reused(self) -> int:
        return sum(end - start for start, end in self.kept)

    @property
    def removals(self) -> tuple[tuple[int, int], ...]:
        """Cached ranges [start, end) removed from before kept ones, ascending."""
        ends = (0, *(end for _, end in self.kept))
        return tuple((e, s) for e, (s, _) in zip(ends, self.kept, strict=False) if s > e)

    @property
    def dropped(self) -> int:
        return sum(end - start for start, end in self.removals)

    @property
    def shifted(self) -> int:
        """Kept tokens that land at a new position (all those after the first removal)."""
        return self.reused - (self.kept[0][1] if self.kept and self.kept[0][0] == 0 else 0)

    @property
    def cached_end(self) -> int:
        """The cached position after the last kept token: everything from it on goes."""
        return self.kept[-1][1] if self.kept else 0


def _common(a: list[int], b: list[int], i: int, j: int) -> int:
    """Length of the common run of a[i:] and b[j:]."""
    n = 0
    while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
        n += 1
    return n


def _blocks(ids: list[int], ends: tuple[int, ...]) -> list[tuple[int, int]]:
    """Whole, non-empty blocks [start, end) within ``ids`` (the tail is not a block)."""
    out, start = [], 0
    for end in ends:
        if end > len(ids):
            break
        if end > start:
            out.append((start, end))
        start = max(start, end)
    return out


def plan_reuse(
    cached: list[int], cached_ends: tuple[int, ...], prompt: list[int],
    prompt_ends: tuple[int, ...], *, shift: bool = True,
) -> KvPlan:
    """What of ``cached`` (ids in the KV cache, block ends ``cached_ends``) to keep for
    ``prompt`` (block ends ``prompt_ends``). The last prompt token is never kept: sampling
    needs its logits, so it is always evaluated again."""
    limit = len(prompt) - 1
    prefix = _common(cached, prompt, 0, 0)
    plain = KvPlan(_truncate([(0, prefix)], limit))
    if shift:
        plan = KvPlan(_truncate(_shifted(cached, cached_ends, prompt, prompt_ends, prefix), limit))
        if plan.reused > plain.reused:
            return plan
    return plain


def _shifted(
    cached: list[int], cached_ends: tuple[int, ...], prompt: list[int],
    prompt_ends: tuple[int, ...], prefix: int,
) -> list[tuple[int, int]]:
    """Kept ranges when matching block by block from the last boundary the prefix reaches
    in both, then token by token. Once every wanted block is matched, the cached blocks
    still left over are dropped too when the cached tail then matches better."""
    cached_blocks = _blocks(cached, cached_ends)
    wanted = _blocks(prompt, prompt_ends)
    shared = {0} | ({s for s, _ in cached_blocks} & {s for s, _ in wanted})
    pieces = [cached[s:e] for s, e in cached_blocks]
    i = j = max(b for b in shared if b <= prefix)
    kept = [(0, i)]
    for start, end in (b for b in wanted if b[0] >= i):
        block = prompt[start:end]
        match = next((c for c, ids in zip(cached_blocks, pieces, strict=True)
                      if c[0] >= j and ids == block), None)
        if match is None:
            break
        kept.append(match)
        i, j = end, match[1]
    else:  # only the prompt's tail is left: it may follow the cached tail
        tail = cached_blocks[-1][1] if cached_blocks else 0
        if tail > j and _common(cached, prompt, tail, i) > _common(cached, prompt, j, i):
            j = tail
    kept.append((j, j + _common(cached, prompt, j, i)))
    return _merge(kept)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in ranges:
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], end)
        elif end > start:
            out.append((start, end))
    return out


def _truncate(ranges: list[tuple[int, int]], limit: int) -> tuple[tuple[int, int], ...]:
    """The ranges cut to ``limit`` kept tokens in all; empty ones are dropped."""
    out: list[tuple[int, int]] = []
    room = max(0, limit)
    for start, end in ranges:
        take = min(end - start, room)
        if take > 0:
            out.append((start, start + take))
        room -= take
    return tuple(out)
