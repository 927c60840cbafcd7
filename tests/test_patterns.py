"""Pattern analysis: Swedish word forms, and how well known groups of reports are found."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import polars as pl
import pytest
from sklearn.metrics import adjusted_rand_score

from node.patterns import cluster_labels, find_patterns, first_sentence, stem, tokens
from node.store import NodeStore
from node.synthetic import demo_profiles, generate_reports

TODAY = datetime(2026, 1, 20, tzinfo=UTC)
COLS = ("id", "received_at", "description", "consequences", "suggestion", "problemtyp",
        "aktorer", "scenario")  # fmt: skip


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    out = []
    for p in demo_profiles():
        if p.id in ("alv-och-kust", "lund", "ostra-sodertorn"):
            out += generate_reports(p, [2024, 2025], seed=3, today=TODAY)
    return out


def test_word_forms_share_a_stem() -> None:
    assert stem("aktivitetsersättningen") == stem("aktivitetsersättning")
    assert stem("läkarintyget") == stem("läkarintygen") == stem("läkarintyg")
    assert stem("handläggningstiden") == stem("handläggningstid")
    assert tokens("Och det är inte ett BankID.") == [stem("bankid")]
    assert first_sentence("Första meningen. Andra.") == "Första meningen."


def test_known_scenarios_are_found(reports: list[dict]) -> None:
    frame = pl.DataFrame([{k: r[k] for k in COLS} for r in reports])
    truth = frame["scenario"].to_list()
    labels, *_ = cluster_labels([" ".join(x) for x in frame.select(
        "description", "consequences", "suggestion").iter_rows()])  # fmt: skip
    ari = adjusted_rand_score(truth, labels)
    groups = Counter(zip(labels.tolist(), truth, strict=True))
    purity = sum(max(v for (g, _), v in groups.items() if g == lab)
                 for lab in set(labels.tolist())) / len(truth)  # fmt: skip
    print(
        f"\n{len(truth)} reports, {len(set(truth))} scenarios, {len(set(labels))} groups: "
        f"ARI {ari:.3f}, purity {purity:.3f}"
    )
    assert ari >= 0.6
    assert purity >= 0.75


def test_patterns_describe_their_groups(reports: list[dict]) -> None:
    frame = pl.DataFrame([{k: r[k] for k in COLS} for r in reports])
    patterns = find_patterns(frame)
    again = find_patterns(frame)
    assert patterns == again
    assert [p.number for p in patterns] == list(range(1, len(patterns) + 1))
    assert [p.size for p in patterns] == sorted((p.size for p in patterns), reverse=True)
    by_id = {r["id"]: r for r in reports}
    for p in patterns:
        assert len(p.words) == 8 and len(p.typical) == 3
        assert {t.id for t in p.typical} <= set(p.ids)
        assert sum(v for _, v in p.problemtyp) == p.size
        scenario, most = Counter(by_id[i]["scenario"] for i in p.ids).most_common(1)[0]
        if p.size >= 10 and most / p.size > 0.8:
            assert by_id[p.typical[0].id]["scenario"] == scenario


def test_reads_a_store_and_filters_the_year(reports: list[dict], tmp_path) -> None:
    store = NodeStore(tmp_path / "n.duckdb")
    try:
        store.add_reports(reports)
        n2025 = sum(r["received_at"].year == 2025 for r in reports)
        patterns = find_patterns(store, year=2025, k=5, min_size=1)
        assert len(patterns) == 5
        assert sum(p.size for p in patterns) == pytest.approx(n2025, abs=3)
    finally:
        store.close()
    assert find_patterns(pl.DataFrame({"id": ["a"], "text": ["x"]})) == []
