"""The KV reuse planner (no model): which cached blocks to drop, what shifts, what is kept.

Blocks are runs of distinct token ids so that a wrong match would show in the ids."""

from __future__ import annotations

from itertools import accumulate

from lsp_server.generation.kv_reuse import KvPlan, plan_reuse

H = [1, 2, 3, 4, 5]
A = list(range(10, 20))
B = list(range(20, 30))
C = list(range(30, 40))
D = list(range(40, 50))
T = list(range(100, 130))  # the tail: the local FIM window


def ends(*blocks: list[int]) -> tuple[int, ...]:
    return tuple(accumulate(len(b) for b in blocks))


def join(*parts: list[int]) -> list[int]:
    return [t for part in parts for t in part]


CACHED = join(H, A, B, C, T)
CACHED_ENDS = ends(H, A, B, C)


def plan(prompt: list[int], prompt_ends: tuple[int, ...], cached: list[int] = CACHED,
         cached_ends: tuple[int, ...] = CACHED_ENDS, shift: bool = True) -> KvPlan:
    result = plan_reuse(cached, cached_ends, prompt, prompt_ends, shift=shift)
    # The invariant the backend relies on: the kept cached ranges spell the prompt's start.
    assert join(*(cached[s:e] for s, e in result.kept)) == prompt[: result.reused]
    assert result.reused <= len(prompt) - 1  # the last token is always evaluated
    return result


def test_dropping_a_middle_block_shifts_the_rest_left() -> None:
    p = plan(join(H, A, C, T), ends(H, A, C))
    assert p.removals == ((15, 25),) and p.dropped == len(B)
    assert p.reused == len(H + A + C + T) - 1 and p.shifted == len(C + T) - 1
    assert p.cached_end == len(CACHED) - 1


def test_dropping_the_first_block_shifts_everything() -> None:
    p = plan(join(A, B, C, T), ends(A, B, C))
    assert p.removals == ((0, 5),) and p.dropped == len(H)
    assert p.shifted == p.reused == len(A + B + C + T) - 1


def test_dropping_the_last_block_shifts_the_tail() -> None:
    p = plan(join(H, A, B, T), ends(H, A, B))
    assert p.removals == ((25, 35),) and p.shifted == len(T) - 1


def test_two_drops() -> None:
    p = plan(join(H, B, T), ends(H, B))
    assert p.removals == ((5, 15), (25, 35)) and p.dropped == len(A + C)
    assert p.reused == len(H + B + T) - 1 and p.shifted == len(B + T) - 1


def test_a_new_block_after_a_drop_is_evaluated_with_the_tail_after_it() -> None:
    p = plan(join(H, A, C, D, T), ends(H, A, C, D))
    assert p.removals == ((15, 25),) and p.shifted == len(C)
    assert p.reused == len(H + A + C)


def test_a_block_appended_at_the_end_keeps_the_plain_prefix() -> None:
    p = plan(join(H, A, B, C, D, T), ends(H, A, B, C, D))
    assert p.removals == () and p.reused == len(H + A + B + C) and p.shifted == 0


def test_nothing_cached() -> None:
    p = plan(join(H, A, T), ends(H, A), cached=[], cached_ends=())
    assert p == KvPlan() and p.reused == p.shifted == p.dropped == 0


def test_same_prompt_keeps_all_but_the_last_token() -> None:
    p = plan(CACHED, CACHED_ENDS)
    assert p.kept == ((0, len(CACHED) - 1),) and p.shifted == p.dropped == 0


def test_tail_edit_reuses_up_to_the_edit() -> None:
    edited = [*T[:20], 7, 8, 9]
    p = plan(join(H, A, B, C, edited), CACHED_ENDS)
    assert p.removals == () and p.reused == len(H + A + B + C) + 20


def test_tail_edit_after_a_drop() -> None:
    edited = [*T[:20], 7, 8, 9]
    p = plan(join(H, A, C, edited), ends(H, A, C))
    assert p.removals == ((15, 25),) and p.shifted == len(C) + 20


def test_an_edited_block_is_not_shifted_over() -> None:
    b2 = [*B[:5], 99, *B[6:]]
    p = plan(join(H, A, b2, C, T), ends(H, A, b2, C))
    assert p.removals == () and p.reused == len(H + A) + 5


def test_blocks_are_never_reordered_only_dropped() -> None:
    p = plan(join(H, A, C, B, T), ends(H, A, C, B))
    assert p.removals == ((15, 25),) and p.reused == len(H + A + C)  # B comes after: evaluated


def test_without_shift_support_only_the_prefix_is_kept() -> None:
    p = plan(join(H, A, C, T), ends(H, A, C), shift=False)
    assert p.kept == ((0, len(H + A)),) and p.shifted == p.dropped == 0


def test_block_ends_past_the_cached_tokens_are_ignored() -> None:
    """A cancelled warm leaves fewer tokens than its segments describe."""
    cached = join(H, A, B[:4])
    p = plan(join(H, B, T), ends(H, B), cached=cached, cached_ends=CACHED_ENDS)
    assert p.kept == ((0, len(H)),)


def test_prefix_into_a_differing_block_still_finds_the_shifted_one() -> None:
    """The wanted block starts like the dropped one: matching restarts at its boundary."""
    c2 = [*B[:3], *C]
    cached = join(H, A, B, c2, T)
    p = plan(join(H, A, c2, T), ends(H, A, c2), cached=cached, cached_ends=ends(H, A, B, c2))
    assert p.removals == ((15, 25),) and p.shifted == len(c2 + T) - 1
