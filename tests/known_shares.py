"""Responses with known raw shares for a reverse and a normal item, and how to read them back.

Every output that shows a share of answers (reports, charts, the dashboard,
``analyse --items``) must say which answers it counts, truthfully for each
item. The data here fix the raw answers of three items in both waves, so a
test can tell the share agreeing from the share disagreeing:

- ``engagement_busy`` (agreement, reverse-worded: "working green is hard on
  my busy days"): at the baseline 12.5 % (strongly) agree and 62.5 %
  (strongly) disagree; the greener answers are the disagreeing ones.
- ``energy_window_heating`` (frequency, reverse-worded: "I leave a window
  open while the heating is on"): 75 % often/always, 10 % never/rarely.
- ``energy_pc_off`` (frequency): 27.5 % often/always.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd

import questionnaires
from analysis.synthetic import synthetic_responses

Q = questionnaires.load("klimaatteam")
WAVES = ("nulmeting", "opvolgmeting")
N = 40
#: Raw answer codes per item: {code: count} at the baseline and at the follow-up (N each).
RAW = {
    "engagement_busy": ({1: 10, 2: 15, 3: 10, 4: 3, 5: 2}, {1: 12, 2: 17, 3: 8, 4: 2, 5: 1}),
    "energy_window_heating": ({1: 1, 2: 3, 3: 6, 4: 16, 5: 14}, {1: 6, 2: 7, 3: 9, 4: 10, 5: 8}),
    "energy_pc_off": ({1: 10, 2: 11, 3: 8, 4: 6, 5: 5}, {1: 7, 2: 8, 3: 6, 4: 10, 5: 9}),
}
#: What a reader must see next to each item's share: its own greener answers.
COUNTED = {
    "nl": {
        "engagement_busy": "(helemaal) oneens",
        "energy_window_heating": "nooit/zelden",
        "energy_pc_off": "vaak/altijd",
    },
    "fr": {
        "engagement_busy": "pas (du tout) d'accord",
        "energy_window_heating": "jamais/rarement",
        "energy_pc_off": "souvent/toujours",
    },
    "en": {
        "engagement_busy": "(strongly) disagree",
        "energy_window_heating": "never/rarely",
        "energy_pc_off": "often/always",
    },
}
#: The greener answers of any frequency or agreement item: (normal item, reverse-worded item).
SCALE_WORDS = {
    "nl": {
        "frequency": ("vaak/altijd", "nooit/zelden"),
        "agreement": ("(helemaal) eens", "(helemaal) oneens"),
    },
    "fr": {
        "frequency": ("souvent/toujours", "jamais/rarement"),
        "agreement": ("(tout à fait) d'accord", "pas (du tout) d'accord"),
    },
    "en": {
        "frequency": ("often/always", "never/rarely"),
        "agreement": ("(strongly) agree", "(strongly) disagree"),
    },
}
#: Words that name the answers at one end of a scale. A heading or axis title stands over
#: several items, reverse ones too, so it must not name answers: only a per-item cell can.
ANSWER_WORDS = {
    "nl": r"\b(?:nooit|zelden|soms|vaak|altijd|eens|oneens)\b",
    "fr": r"\b(?:jamais|rarement|parfois|souvent|toujours|d'accord)\b",
    "en": r"\b(?:never|rarely|sometimes|often|always|agree|disagree|agreeing)\b",
}
#: The answers at the other end: the words that would make a reverse item's share a lie.
WRONG_END = {
    "nl": {"engagement_busy": r"\beens\b", "energy_window_heating": r"\b(?:vaak|altijd)\b"},
    "fr": {"engagement_busy": r"tout à fait", "energy_window_heating": r"souvent|toujours"},
    "en": {"engagement_busy": r"\bagree\b", "energy_window_heating": r"\b(?:often|always)\b"},
}


def _column(counts: dict[int, int], rng: np.random.Generator) -> np.ndarray:
    values = np.repeat(list(counts), list(counts.values())).astype(float)
    assert len(values) == N
    return rng.permutation(values)


def known_frame(seed: int = 7) -> pd.DataFrame:
    """Synthetic responses with the raw answers of :data:`RAW` put in, N per wave."""
    frame = synthetic_responses(Q, N, N, waves=WAVES, seed=seed)
    rng = np.random.default_rng(seed)
    for item_id, per_wave in RAW.items():
        column = frame[item_id].astype("Float64").copy()
        for wave, counts in zip(WAVES, per_wave, strict=True):
            in_wave = (frame["wave"] == wave).to_numpy()
            column[in_wave] = _column(counts, rng)
        frame[item_id] = column.astype(frame[item_id].dtype)
    return frame


def raw_share(item_id: str, wave: str, codes: set[int]) -> float:
    """The share of the wave's answers to ``item_id`` with one of ``codes``, from :data:`RAW`."""
    counts = RAW[item_id][WAVES.index(wave)]
    return sum(count for code, count in counts.items() if code in codes) / N


def greener_share(frame: pd.DataFrame, item_id: str, wave: str) -> float:
    """The share of greener answers, counted by hand from the raw answers (not via analysis)."""
    answers = frame.loc[frame["wave"] == wave, item_id].dropna().astype(float)
    return float(answers.isin(greener_codes(item_id)).mean())


def greener_codes(item_id: str) -> set[int]:
    """Greener answers of any scale item: the top two, the bottom two when reverse-worded."""
    return {1, 2} if Q.item(item_id).reverse else {4, 5}


def expected_counted(item_id: str, language: str) -> str:
    """The greener answers of a scale item, by its kind and whether it is reverse-worded."""
    item = Q.item(item_id)
    return SCALE_WORDS[language][item.kind.value][int(item.reverse)]


def names_answers(text: str, language: str) -> bool:
    """Whether ``text`` names answers of a scale (often, agree, …)."""
    return re.search(ANSWER_WORDS[language], text, re.IGNORECASE) is not None


class _Tables(HTMLParser):
    """Every table of a page: its header cells and its rows of cell texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, list]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append({"head": [], "rows": []})
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            lines = "".join(self._cell).split("\n")
            self._row.append("\n".join(" ".join(line.split()) for line in lines))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            key = "head" if self._in_head else "rows"
            self.tables[-1][key].extend([self._row] if key == "rows" else self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> list[dict[str, list]]:
    """The tables of ``html``: ``{"head": [header cells], "rows": [[cells], …]}``.

    A cell's text has its whitespace collapsed; its ``<br>`` become newlines.
    """
    parser = _Tables()
    parser.feed(html)
    return parser.tables
