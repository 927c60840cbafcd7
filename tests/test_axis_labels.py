"""Axis labels fit their columns: long Swedish words break, nothing is lost."""

from __future__ import annotations

import pytest

from dashboards.figures import wrap
from schemas.codes import code_list


@pytest.mark.parametrize("width", [11, 12, 30])
@pytest.mark.parametrize("dim", ["aktor", "problemtyp", "niva"])
def test_every_code_label_wraps_within_its_width_and_keeps_every_letter(dim: str,
                                                                        width: int) -> None:
    codes = code_list(dim)
    for code in codes.values:
        label = codes.label_of(code, "sv")
        lines = wrap(label, width).split("<br>")
        assert all(len(line) <= width + 2 for line in lines), (label, lines)
        rebuilt = "".join(line[:-1] if line.endswith("-") else line for line in lines)
        assert rebuilt.replace(" ", "") == label.replace(" ", ""), (label, lines)


def test_a_long_word_breaks_between_consonants() -> None:
    assert wrap("Arbetsförmedlingen", 12) == "Arbetsför-<br>medlingen"
    assert wrap("Samordningsförbund/insats", 12) == "Samordnings-<br>förbund/<br>insats"
