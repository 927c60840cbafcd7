"""A batch sums each member at the bundle its signed member list names (issue 13): a node
that republishes after the cut-off is summed at the state it had, not at its newest bundle."""

from __future__ import annotations

import numpy as np
import polars as pl

from aggregator.protect import BatchInfo, PublicData, public_cells
from tests.release_federation import federation, node_bundle, reports

PERIOD = "2025"


def _republished():
    """Four förbund; f000 publishes again after the cut-off with many more reports."""
    fed = federation(4, seed=5, quarters=False)
    first = fed.bundles["f000"][0]
    rng = np.random.default_rng(99)
    weights = {"problemtyp": np.full(11, 1 / 11), "aktor": np.full(13, 1 / 13)}
    frame = pl.concat([reports(rng, 60, 2025, weights), reports(rng, 40, 2025, weights)])
    second, _ = node_bundle("f000", frame, [PERIOD], 3, seq=2)
    assert second.sequence > first.sequence
    bundles = {n: list(bs) for n, bs in fed.bundles.items()}
    bundles["f000"].append(second)
    return fed, PublicData(bundles), first, second


def _summed(bundles_by_node):
    out: dict[tuple[str, tuple[str, ...]], int] = {}
    for bundle in bundles_by_node:
        for t in bundle.tables:
            if t.period == PERIOD:
                for key, v in t.cells:
                    out[(t.name, key)] = out.get((t.name, key), 0) + (v or 0)
    return out


def test_member_is_summed_at_the_bundle_the_batch_names():
    fed, public, first, second = _republished()
    named = tuple((n, 1) for n in fed.nodes)
    batch = BatchInfo("national", "national", PERIOD, 1, fed.nodes, named)
    info = public_cells(batch, public)
    at_cutoff = _summed([fed.bundles[n][0] for n in fed.nodes])
    assert {(r[2], r[3]): c.published for r, c in info.items()} == at_cutoff
    hid_first = {(t.name, key) for t in first.tables if t.period == PERIOD
                 for key, v in t.cells if v is None}  # fmt: skip
    for ref, cell in info.items():
        assert ("f000" in cell.hidden_by) == ((ref[2], ref[3]) in hid_first)


def test_without_named_bundles_the_newest_is_used_and_differs():
    fed, public, _, second = _republished()
    newest = public_cells(BatchInfo("national", "national", PERIOD, 1, fed.nodes), public)
    named = public_cells(BatchInfo("national", "national", PERIOD, 1, fed.nodes,
                                   tuple((n, 1) for n in fed.nodes)), public)  # fmt: skip
    others = [fed.bundles[n][0] for n in fed.nodes if n != "f000"]
    assert {(r[2], r[3]): c.published for r, c in newest.items()} == _summed([second, *others])
    assert newest != named  # the republication changed what the newest bundle says


def test_a_later_revision_names_the_new_bundle():
    fed, public, _, second = _republished()
    seqs = tuple((n, 2 if n == "f000" else 1) for n in fed.nodes)
    info = public_cells(BatchInfo("national", "national", PERIOD, 2, fed.nodes, seqs), public)
    others = [fed.bundles[n][0] for n in fed.nodes if n != "f000"]
    assert {(r[2], r[3]): c.published for r, c in info.items()} == _summed([second, *others])
