"""Workflow figures a node publishes beside its count tables: median days from report to first
contact, to feedback and to closing, per year of receipt — only when computed over at least k
cases (a median over fewer would describe a handful of people's cases)."""

from __future__ import annotations

from typing import Any

from node.store import NodeStore

FIGURES = {
    "median_days_to_first_contact": "kontakt",
    "median_days_to_feedback": "aterkoppling",
    "median_days_to_close": "avslutad",
}


def workflow_figures(store: NodeStore, k: int, years: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    with store.cursor() as cur:
        for name, kind in FIGURES.items():
            rows = cur.execute(
                """
                SELECT strftime(r.received_at, '%Y') AS year,
                       count(*) AS n,
                       median(date_diff('hour', r.received_at, e.first_at) / 24.0) AS days
                FROM reports r
                JOIN (SELECT report_id, min("at") AS first_at FROM report_events
                      WHERE kind = ? GROUP BY report_id) e ON e.report_id = r.id
                GROUP BY year ORDER BY year
                """,
                [kind],
            ).fetchall()
            for year, n, days in rows:
                if year in years and n >= max(k, 1) and days is not None:
                    out.append({"name": name, "period": year, "value": round(float(days), 1),
                                "min_cases": k})  # fmt: skip
    return out
