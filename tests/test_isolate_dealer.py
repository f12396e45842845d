"""The order supervised workers take their files in: contiguous shares, halves taken over."""

from __future__ import annotations

import os
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.find import isolate
from scanner.find.isolate import Dealer


def _deal(dealer: Dealer, asks: list[int]) -> list[int | None]:
    """What each ask gets, a worker asking on the share it was last moved to."""
    shares = list(range(len(dealer.shares)))
    got: list[int | None] = []
    for worker in asks:
        task, shares[worker] = dealer.take(shares[worker])
        got.append(task)
    return got


@pytest.mark.parametrize(
    ("tasks", "workers", "asks", "expected"),
    [
        (10, 2, [0, 1, 0, 1], [0, 5, 1, 6]),  # each worker on its own half
        (10, 2, [0, 0, 0, 0, 0, 0], [0, 1, 2, 3, 4, 7]),  # then the second half of what is left
        (4, 2, [1, 1, 1, 1, 1], [2, 3, 1, 0, None]),  # down to the other share's last task
        (7, 3, [0, 1, 2], [0, 2, 4]),
        (1, 2, [1, 0, 0], [0, None, None]),  # a share may be empty from the start
        (0, 1, [0], [None]),
    ],
)
def test_dealing_order(tasks: int, workers: int, asks: list[int], expected: list[int]) -> None:
    assert _deal(Dealer(tasks, workers), asks) == expected


@given(
    tasks=st.integers(0, 120),
    workers=st.integers(1, 6),
    asks=st.lists(st.integers(0, 5), max_size=300),
)
def test_every_task_is_dealt_once_whoever_asks(tasks: int, workers: int, asks: list[int]) -> None:
    dealer = Dealer(tasks, workers)
    dealt = [task for task in _deal(dealer, [a % workers for a in asks]) if task is not None]
    assert len(dealt) == len(set(dealt))
    assert dealer.left() == tasks - len(dealt)
    rest = _deal(dealer, [0] * (tasks + 1))
    assert sorted(dealt + [t for t in rest if t is not None]) == list(range(tasks))
    assert rest[-1] is None


def _pid(task: int) -> tuple[int, int]:  # a worker's job in the test below
    return task, os.getpid()


def test_neighbouring_tasks_stay_with_one_worker() -> None:
    results = isolate.run(_pid, list(range(40)), 2, isolate.Budget(), str)
    assert [r[0] for r in results if not isinstance(r, isolate.Crash)] == list(range(40))
    pids = [r[1] for r in results if not isinstance(r, isolate.Crash)]
    changes = sum(a != b for a, b in pairwise(pids))
    assert len(set(pids)) == 2
    assert changes < 20  # each takeover of half a share is one change; dealt in turn, ~39
