"""Groups of similar reports in the free text: the node's local pattern analysis.

Förbund look for "common patterns" among their reports by hand. This module finds candidate
groups: Swedish text is cut into words, common function words are dropped (`STOP_WORDS`),
word forms are reduced to a stem (`stem`, a compact version of the Snowball Swedish stemmer
with the definite endings -an and -et added),
the reports are weighted with TF-IDF, projected to a few latent dimensions (LSA) and grouped
with k-means; the number of groups is chosen by the silhouette score. Each group is described
by its characteristic words, its most typical reports and the codes they carry.

Everything runs on the node. Nothing computed here is published: the free text, and anything
derived from single reports, never leaves the node. Results are deterministic (seeded).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

SEED = 20160101
TEXT_COLUMNS = ("description", "consequences", "suggestion")

STOP_WORDS = frozenset(
    (Path(__file__).parent / "data" / "stop_words_sv.txt").read_text("utf-8").split()
)
"""Swedish function words dropped before the analysis (one a line in node/data)."""
"""Swedish function words and fillers that carry no topic (pronouns, conjunctions, auxiliary
verbs, common adverbs). Kept short on purpose: topic words must survive."""

_WORD = re.compile(r"[a-zåäöéü]+")
_VOWELS = "aeiouyäåö"
_S_ENDING = "bcdfghjklmnoprtvy"
_STEP1 = sorted(
    [
        "heterna",
        "hetens",
        "anden",
        "heten",
        "heter",
        "arnas",
        "ernas",
        "ornas",
        "andes",
        "arens",
        "andet",
        "arna",
        "erna",
        "orna",
        "ande",
        "arne",
        "aste",
        "aren",
        "ades",
        "erns",
        "ade",
        "are",
        "ern",
        "ens",
        "het",
        "ast",
        "ad",
        "an",
        "en",
        "et",
        "ar",
        "er",
        "or",
        "as",
        "es",
        "at",
        "a",
        "e",
    ],
    key=len,
    reverse=True,
)
_STEP2 = ("dd", "gd", "nn", "dt", "gt", "kt", "tt")
_STEP3 = (("fullt", "full"), ("löst", "lös"), ("lig", ""), ("els", ""), ("ig", ""))


def _r1(word: str) -> int:
    """Start of the Snowball R1 region (at least 3 letters in)."""
    for i in range(1, len(word)):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            return max(i + 1, 3)
    return len(word)


def stem(word: str) -> str:
    """Reduce a lower-case Swedish word to its stem (Snowball Swedish, steps 1-3).

    "aktivitetsersättningen" and "aktivitetsersättning" give the same stem, as do
    "läkarintyget", "läkarintyg" and "läkarintygen".
    """
    r1 = _r1(word)
    for suf in _STEP1:
        if word.endswith(suf) and len(word) - len(suf) >= r1:
            word = word[: -len(suf)]
            break
    else:
        if word.endswith("s") and len(word) - 1 >= r1 and word[-2:-1] in tuple(_S_ENDING):
            word = word[:-1]
    if any(word.endswith(s) for s in _STEP2) and len(word) - 1 >= r1:
        word = word[:-1]
    for suf, repl in _STEP3:
        if word.endswith(suf) and len(word) - len(suf) >= r1:
            word = word[: -len(suf)] + repl
            break
    return word


def tokens(text: str) -> list[str]:
    """Stems of the topic words in `text` (stop words and words under 3 letters dropped)."""
    return [stem(w) for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in STOP_WORDS]


def first_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of a text, cut at `limit` characters."""
    m = re.match(r"(.+?[.!?])(\s|$)", text.strip(), re.S)
    s = (m.group(1) if m else text.strip()).replace("\n", " ")
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Typical:
    id: str
    first_sentence: str
    similarity: float


@dataclass(frozen=True)
class Pattern:
    """One group of similar reports."""

    number: int
    size: int
    share: float
    words: tuple[str, ...]
    typical: tuple[Typical, ...]
    problemtyp: tuple[tuple[str, int], ...]
    aktorer: tuple[tuple[str, int], ...]
    ids: tuple[str, ...] = field(repr=False)
    cohesion: float = 0.0
    """Mean cosine similarity of the group's reports to its centre (0-1)."""


def _frame(source: Any, year: int | None) -> pl.DataFrame:
    if isinstance(source, pl.DataFrame):
        frame = source
    else:  # a NodeStore
        with source.cursor() as cur:
            frame = cur.sql(
                "SELECT id, received_at, description, consequences, suggestion, problemtyp,"
                " aktorer FROM reports ORDER BY received_at, id"
            ).pl()
    if year is not None and "received_at" in frame.columns:
        local = pl.col("received_at")
        dtype = frame.schema["received_at"]
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
            local = local.dt.replace_time_zone("UTC")
        frame = frame.filter(local.dt.convert_time_zone("Europe/Stockholm").dt.year() == year)
    return frame


def _texts(frame: pl.DataFrame) -> list[str]:
    cols = [c for c in TEXT_COLUMNS if c in frame.columns] or ["text"]
    return [" ".join(str(v) for v in row if v) for row in frame.select(cols).iter_rows()]


def _surface_forms(texts: Sequence[str]) -> dict[str, str]:
    """For each stem, its most frequent full word (shown to people instead of the stem)."""
    seen: dict[str, Counter[str]] = {}
    for t in texts:
        for w in _WORD.findall(t.lower()):
            if len(w) > 2 and w not in STOP_WORDS:
                seen.setdefault(stem(w), Counter())[w] += 1
    return {s: sorted(c.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
            for s, c in seen.items()}  # fmt: skip


def _choose_k(x: np.ndarray, ks: Sequence[int]) -> tuple[int, np.ndarray]:
    best: tuple[float, int, np.ndarray] | None = None
    for k in ks:
        labels = KMeans(n_clusters=k, n_init=4, random_state=SEED).fit_predict(x)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(x, labels, metric="cosine"))
        if best is None or score > best[0] + 1e-9:
            best = (score, k, labels)
    if best is None:
        return 1, np.zeros(len(x), dtype=int)
    return best[1], best[2]


def cluster_labels(
    texts: Sequence[str], k: int | None = None, max_k: int = 30
) -> tuple[np.ndarray, np.ndarray, TfidfVectorizer, np.ndarray]:
    """Group labels per text, plus the LSA vectors, the fitted vectorizer and TF-IDF matrix."""
    n = len(texts)
    vec = TfidfVectorizer(analyzer=tokens, min_df=2, max_df=0.6, sublinear_tf=True)
    tfidf = vec.fit_transform(texts)
    dims = max(2, min(100, tfidf.shape[1] - 1, n - 1))
    svd = TruncatedSVD(n_components=dims, random_state=SEED)
    x = normalize(svd.fit_transform(tfidf))
    if k is not None:
        k = max(1, min(k, n))
        labels = KMeans(n_clusters=k, n_init=4, random_state=SEED).fit_predict(x)
    else:
        upper = min(max_k, max(2, n // 5))
        labels = _choose_k(x, range(2, upper + 1))[1] if n >= 10 else np.zeros(n, dtype=int)
    return labels, x, vec, tfidf


def find_patterns(
    source: Any, year: int | None = None, k: int | None = None, *, top_words: int = 8,
    top_reports: int = 3, min_size: int = 3,
) -> list[Pattern]:  # fmt: skip
    """Groups of similar reports, largest first.

    `source` is a NodeStore or a Polars frame with ``id`` and the text columns
    (``description``, ``consequences``, ``suggestion``, or a single ``text``), optionally
    ``received_at`` (to filter on `year`, Swedish time), ``problemtyp`` and ``aktorer``.
    `k` fixes the number of groups; by default it is chosen by silhouette. Groups smaller
    than `min_size` are left out (too few reports to call a pattern).
    """
    frame = _frame(source, year)
    if frame.height < max(4, min_size):
        return []
    texts = _texts(frame)
    labels, x, vec, tfidf = cluster_labels(texts, k)
    forms = _surface_forms(texts)
    vocab = np.array(vec.get_feature_names_out())
    ids = frame["id"].to_list()
    ptyp = frame["problemtyp"].to_list() if "problemtyp" in frame.columns else [None] * len(ids)
    akt = frame["aktorer"].to_list() if "aktorer" in frame.columns else [[]] * len(ids)
    desc = frame["description"].to_list() if "description" in frame.columns else texts
    out: list[Pattern] = []
    for label in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == label)
        if len(members) < min_size:
            continue
        centre = x[members].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        sims = x[members] @ centre
        order = sorted(range(len(members)), key=lambda i: (-round(float(sims[i]), 9),
                                                           ids[members[i]]))  # fmt: skip
        weights = np.asarray(tfidf[members].mean(axis=0)).ravel()
        rest = np.flatnonzero(labels != label)
        if len(rest):
            weights = weights - 0.5 * np.asarray(tfidf[rest].mean(axis=0)).ravel()
        top = sorted(range(len(vocab)), key=lambda j: (-weights[j], vocab[j]))[:top_words]
        out.append(
            Pattern(
                number=0,
                size=len(members),
                share=len(members) / len(ids),
                words=tuple(forms.get(vocab[j], vocab[j]) for j in top),
                typical=tuple(
                    Typical(
                        ids[members[i]], first_sentence(desc[members[i]]), round(float(sims[i]), 3)
                    )
                    for i in order[:top_reports]
                ),  # fmt: skip
                problemtyp=_counts(ptyp[i] for i in members),
                aktorer=_counts(a for i in members for a in (akt[i] or [])),
                ids=tuple(sorted(ids[i] for i in members)),
                cohesion=round(float(sims.mean()), 3),
            )
        )
    out.sort(key=lambda p: (-p.size, p.words))
    return [_renumber(p, i + 1) for i, p in enumerate(out)]


def _counts(values: Any) -> tuple[tuple[str, int], ...]:
    c = Counter(v if v else "-" for v in values)
    return tuple(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def _renumber(p: Pattern, number: int) -> Pattern:
    return Pattern(number, p.size, p.share, p.words, p.typical, p.problemtyp, p.aktorer, p.ids,
                   p.cohesion)  # fmt: skip
