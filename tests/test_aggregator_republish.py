"""A node that publishes again after the cut-off is summed, inside the MPC, at the bundle the
batch's signed member list names (issue 13): the public data holds both of its bundles, the
release equals the true sums of the bundles and shares the batch named."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from common.keys import load_private_key
from schemas.release import Release
from schemas.wire import PAYLOAD_TYPE_AGGREGATES, Bundle, Envelope, sign
from tests.test_aggregator_mpc import MEMBERS, PERIOD, federation, run_parties, write_jobs

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _sequence(path: Path) -> int:
    return Bundle.from_bytes(Envelope.from_bytes(path.read_bytes()).payload).sequence


@pytest.mark.timeout(900)
def test_republished_node_is_summed_at_the_state_the_batch_names(tmp_path: Path) -> None:
    fed = federation(tmp_path, MEMBERS)
    first = fed["sf-m00"]["bundle"]
    # after the cut-off sf-m00 publishes again and hides more (every problemtyp and aktor
    # cell): consistent with the same reports, but summed at this bundle with the shares of
    # the first, its published values in those cells would go missing from the sums
    old = Bundle.from_bytes(Envelope.from_bytes(first.read_bytes()).payload)
    tables = tuple(replace(t, cells=tuple((k, None) for k, _ in t.cells))
                   if t.name in ("problemtyp", "aktor") else t for t in old.tables)  # fmt: skip
    newer = replace(old, sequence=old.sequence + 1, created=old.created + timedelta(days=40),
                    expires=old.expires + timedelta(days=40), tables=tables)  # fmt: skip
    (tmp_path / "sf-m00-later.json").write_bytes(
        sign(PAYLOAD_TYPE_AGGREGATES, newer.to_bytes(), [load_private_key(tmp_path / "sf-m00")]).to_bytes())
    later = tmp_path / "sf-m00-later.json"
    assert _sequence(later) > _sequence(first)
    jobs = write_jobs(tmp_path, fed, "9a" * 32)
    for path in jobs:
        job = json.loads(path.read_text("utf-8"))
        job["bundles"]["sf-m00"] = [str(first), str(later)]  # everything public, newest last
        job["batch"]["sequences"] = [[n, _sequence(f["bundle"])] for n, f in sorted(fed.items())]
        path.write_text(json.dumps(job), "utf-8")
    results = run_parties(tmp_path, jobs)
    changed = {(t.name, k) for t in old.tables if t.name in ("problemtyp", "aktor")
               and t.period == PERIOD for k, v in t.cells if v}  # fmt: skip
    assert results[0]["refused"] == []
    release = Release.from_bytes(results[0]["release"].encode())
    assert release.cells
    assert changed & {(c.table, c.key) for c in release.cells}, "the test must touch a released cell"
    for c in release.cells:  # the truth at the cut-off, sf-m00 at its first bundle
        true = sum(f["exact"].get((c.table, PERIOD, c.key), 0) for f in fed.values())
        assert c.value == true, (c.table, c.key)
