"""Reading and checking responses in the CSV exchange format (docs/data-format.md).

Files come from the app's export, or from a spreadsheet program: UTF-8 with
or without a byte-order mark, UTF-16 with one ("Unicode text"), or
Windows-1252 (Excel's "CSV (;-separated)" in a Belgian locale), separated
by commas, semicolons (Excel in a Dutch or French locale, with decimal
commas) or tabs. Every problem names the spreadsheet row (the header is row
1) and the column, and says how to fix it.

Examples
--------
>>> import io
>>> from analysis.data import read_responses
>>> text = "wave,energy_pc_off\\nnulmeting,4\\nopvolgmeting,5\\n"
>>> frame = read_responses(io.BytesIO(text.encode()), questionnaire="klimaatteam")
>>> frame[["wave", "energy_pc_off"]]
           wave  energy_pc_off
0     nulmeting              4
1  opvolgmeting              5
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import secrets
import warnings
from collections.abc import Callable, Sequence
from typing import IO

import numpy as np
import pandas as pd

from analysis.i18n import N_, translator
from analysis.provenance import QuestionnaireLike, as_questionnaire, tag
from questionnaires import Item, Kind, Questionnaire

FIXED_COLUMNS = ("response_id", "wave", "department", "language")
#: Optional columns besides the items (the linking code is issue 7's).
OPTIONAL_COLUMNS = ("response_id", "department", "language", "linking_code", "pair_id")
MAX_BYTES = 200 * 1024 * 1024
#: What messages call data that has no file name; translated where shown.
RESPONSES = N_("responses")
_INTEGER = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")


def shown(value: object, limit: int = 40) -> str:
    """A value as it may appear in a one-line message: control characters escaped, cut short."""
    text = "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in str(value)
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _english(message: str, /, **values: object) -> str:
    """A message id filled in, untranslated: what ``str(error)`` shows library users."""
    return message.format(**values) if values else message


class DataError(ValueError):
    """A responses file or frame that cannot be analysed; the message says where and why.

    ``str(error)`` is the message in English. The message is kept as its
    gettext message id with the values to fill in, so that the app and the
    command line show it in the reader's language: :meth:`translated`.

    Attributes
    ----------
    source : str
        The file (or "responses").
    row : int or None
        The spreadsheet row: the header is row 1, the first response row 2.
    column : str or None
        The column's name.
    message : str
        The message id (English, with ``{name}`` fields), from the ``analysis`` domain.
    values : dict
        The values of the message's fields.

    Examples
    --------
    >>> error = DataError(
    ...     N_("column '{name}' appears twice — keep one"),
    ...     source="a.csv",
    ...     row=1,
    ...     column="wave",
    ...     name="wave",
    ... )
    >>> str(error), error.row
    ("a.csv, row 1, column wave: column 'wave' appears twice — keep one", 1)
    >>> error.translated("nl")
    "a.csv, rij 1, kolom wave: de kolom 'wave' staat er twee keer in — hou er één"
    """

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        row: int | None = None,
        column: str | None = None,
        **values: object,
    ) -> None:
        self.source, self.row, self.column = source, row, column
        self.message, self.values = message, values
        super().__init__(self._text(_english))

    def translated(self, language: str, *, place: bool = True) -> str:
        """The message in ``language`` (nl, fr or en), after where it happened if ``place``.

        The place (file, spreadsheet row, column) helps whoever holds the
        file; a reader of data the app stored has no such file, and gets
        the message alone (``place=False``).
        """
        _ = translator(language)
        return self._text(_) if place else _(self.message, **self.values)

    def _text(self, _: Callable[..., str]) -> str:
        message = _(self.message, **self.values)
        where = ", ".join(
            part
            for part in (
                _(RESPONSES) if self.source == RESPONSES else self.source,
                _("row {row}", row=self.row) if self.row is not None else "",
                _("column {column}", column=shown(self.column)) if self.column is not None else "",
            )
            if part
        )
        return _("{where}: {message}", where=where, message=message) if where else message


def _decode(raw: bytes, source: str) -> str:
    if not raw.strip():
        raise DataError(N_("the file is empty — export the responses again"), source=source)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DataError(
                N_("not valid UTF-16 text ({reason})"), source=source, reason=error.reason
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        windows = _windows_1252(raw)
        if windows is not None:
            return windows
        before = raw[: error.start]
        row = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        header = raw.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
        separator = _separator(header)
        names = header.strip("\r").split(separator)
        index = raw[line_start : error.start].count(separator.encode())
        column = names[index] if index < len(names) else f"#{index + 1}"
        raise DataError(
            N_(
                "byte {byte} is not UTF-8 text — save the file as "
                "'CSV UTF-8' (Excel) or 'Text CSV, UTF-8' (LibreOffice)"
            ),
            source=source,
            row=row,
            column=column,
            byte=f"0x{raw[error.start]:02x}",
        ) from None


#: A UTF-8 encoded character other than ASCII: its presence means the file is UTF-8 text.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _windows_1252(raw: bytes) -> str | None:
    """The text of a file Excel saved as "CSV (;-separated)" in a Belgian locale, or None.

    Such a file is Windows-1252. It is taken for one only when it is not UTF-8
    text with a damaged byte: no UTF-8 encoded character may occur in it, and
    every byte must be defined in Windows-1252.
    """
    if _UTF8_SEQUENCE.search(raw):
        return None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _separator(header: str) -> str:
    counts = {separator: header.count(separator) for separator in (",", ";", "\t")}
    return max(counts, key=lambda separator: counts[separator])


def _first_long_row(text: str, separator: str) -> int | None:
    """The spreadsheet row of the first record with more cells than the header."""
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        width = len(next(rows, []))
        for number, row in enumerate(rows, start=2):
            if len(row) > width:
                return number
    except csv.Error:
        return None
    return None


def _suggest(name: str, known: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(name, known, n=1)
    return close[0] if close else None


def _check_columns(columns: list[str], questionnaire: Questionnaire, source: str) -> None:
    if "wave" not in columns:
        raise DataError(
            N_(
                "there is no column 'wave' — the first row must name the columns, "
                "including wave (see docs/data-format.md)"
            ),
            source=source,
            row=1,
        )
    seen: set[str] = set()
    known = [*OPTIONAL_COLUMNS, "wave", *questionnaire.item_ids]
    for position, name in enumerate(columns, start=1):
        if name in seen:
            raise DataError(
                N_("column '{name}' appears twice — keep one"),
                source=source,
                row=1,
                column=name,
                name=shown(name),
            )
        seen.add(name)
        if name not in known:
            suggestion = _suggest(name, known)
            raise DataError(
                N_(
                    "'{name}' (column {position}) is not an item of questionnaire "
                    "{questionnaire} v{version} (did you mean {suggestion}?) — rename or "
                    "remove the column, or choose the right --questionnaire"
                )
                if suggestion
                else N_(
                    "'{name}' (column {position}) is not an item of questionnaire "
                    "{questionnaire} v{version} — rename or remove the column, or choose "
                    "the right --questionnaire"
                ),
                source=source,
                row=1,
                column=name,
                name=shown(name),
                position=position,
                questionnaire=questionnaire.id,
                version=questionnaire.version,
                suggestion=suggestion,
            )


def _valid_codes(item: Item) -> str:
    codes = item.codes or []
    if len(codes) > 2 and codes == list(range(codes[0], codes[-1] + 1)):
        return f"{codes[0]}–{codes[-1]}"
    return ", ".join(str(code) for code in codes)


def _coded_column(values: pd.Series, item: Item, source: str) -> pd.Series:
    text = values.str.strip()
    empty = text == ""
    well_formed = text.str.fullmatch(_INTEGER.pattern)
    numbers = pd.to_numeric(text.where(well_formed & ~empty).str.replace(",", "."), errors="coerce")
    allowed = numbers.isin(item.codes or [])
    bad = ~empty & ~(well_formed & allowed)
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        more = int(bad.sum()) - 1
        raise DataError(
            N_(
                "'{value}' is not a valid answer to this item — use {codes}, or leave the "
                "cell empty (and {more} more rows in this column)"
            )
            if more
            else N_(
                "'{value}' is not a valid answer to this item — use {codes}, or leave the "
                "cell empty"
            ),
            source=source,
            row=first + 2,
            column=item.id,
            value=shown(values.iloc[first]),
            codes=_valid_codes(item),
            more=more,
        )
    return numbers.where(~empty).astype("Int64")


def _number_column(values: pd.Series, item: Item, source: str, decimal_comma: bool) -> pd.Series:
    text = values.str.strip()
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    empty = text == ""
    numbers = pd.to_numeric(text.where(~empty), errors="coerce")
    low = item.min if item.min is not None else -np.inf
    high = item.max if item.max is not None else np.inf
    bad = ~empty & (numbers.isna() | (numbers < low) | (numbers > high) | ~np.isfinite(numbers))
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            N_(
                "'{value}' is not a number from {low} to {high} — correct it or leave the "
                "cell empty"
            ),
            source=source,
            row=first + 2,
            column=item.id,
            value=shown(values.iloc[first]),
            low=item.min,
            high=item.max,
        )
    return numbers.astype("Float64")


def _fixed_columns(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    waves = raw["wave"].str.strip()
    if (waves == "").any():
        first = int(np.flatnonzero((waves == "").to_numpy())[0])
        raise DataError(
            N_("the wave is empty — every response needs the name of its wave"),
            source=source,
            row=first + 2,
            column="wave",
        )
    if "response_id" in raw:
        ids = raw["response_id"].str.strip()
        duplicated = ids.duplicated() & (ids != "")
        if duplicated.any():
            first = int(np.flatnonzero(duplicated.to_numpy())[0])
            raise DataError(
                N_("response id '{id}' appears twice — each response needs its own id"),
                source=source,
                row=first + 2,
                column="response_id",
                id=shown(ids.iloc[first]),
            )
        ids = ids.where(ids != "", pd.Series([secrets.token_hex(16) for _ in ids], index=ids.index))
    else:
        ids = pd.Series([secrets.token_hex(16) for _ in range(len(raw))], dtype="str")
    frame = pd.DataFrame({"response_id": ids.astype("str"), "wave": waves.astype("str")})
    for name in ("department", "language"):
        column = raw[name].str.strip() if name in raw else pd.Series([""] * len(raw))
        frame[name] = column.where(column != "").astype("str")
    for column in ("linking_code", "pair_id"):
        if column in raw:
            code = raw[column].str.strip()
            frame[column] = code.where(code != "").astype("str")
    if "pair_id" in frame:
        _check_pair_ids(frame, source)
    return frame


def _check_pair_ids(frame: pd.DataFrame, source: str) -> None:
    """A pair id links at most one response per wave, so every response has at most one partner.

    A pair id given twice in one wave would let the comparison pair either
    response with the other wave's one, arbitrarily (and count the pair twice).
    """
    keyed = frame[frame["pair_id"].notna()].reset_index(drop=True)
    positions = np.flatnonzero(frame["pair_id"].notna().to_numpy())
    repeated = keyed.duplicated(["wave", "pair_id"], keep=False).to_numpy()
    if not repeated.any():
        return
    first = int(np.flatnonzero(repeated)[0])
    pair, wave = keyed.at[first, "pair_id"], keyed.at[first, "wave"]
    same = np.flatnonzero(((keyed["pair_id"] == pair) & (keyed["wave"] == wave)).to_numpy())
    raise DataError(
        N_(
            "pair id '{id}' is given to more than one response of wave '{wave}' (rows {rows}) "
            "— a pair id links one response per wave: correct it or leave it empty"
        ),
        source=source,
        row=int(positions[first]) + 2,
        column="pair_id",
        id=shown(pair),
        wave=shown(wave),
        rows=", ".join(str(int(positions[i]) + 2) for i in same),
    )


def validate_responses(
    raw: pd.DataFrame,
    questionnaire: QuestionnaireLike,
    *,
    source: str = "responses",
    decimal_comma: bool = False,
) -> pd.DataFrame:
    """Check a frame of answers as text and convert it to typed columns.

    Parameters
    ----------
    raw : pandas.DataFrame
        One row per response, columns as in the exchange format
        (docs/data-format.md); cells are read as text.
    questionnaire : Questionnaire, str or path
        The questionnaire, a shipped name ("klimaatteam") or a YAML file.
    source : str
        What to call the data in messages.
    decimal_comma : bool
        Read "2,5" as 2.5 in number items.

    Returns
    -------
    pandas.DataFrame
        ``response_id, wave, department, language`` (text; missing as NA)
        and one column per item of the questionnaire that is present:
        ``Int64`` codes for coded items, ``Float64`` for numbers, text for
        text items. ``attrs["questionnaire"]`` notes the questionnaire.

    Raises
    ------
    DataError
        Naming the first problem's row and column, and how to fix it.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"wave": ["nulmeting", "opvolgmeting"], "waste_sort": ["4", "x"]})
    >>> validate_responses(raw, "klimaatteam")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.data.DataError: responses, row 3, column waste_sort: 'x' is not a valid answer ...
    """
    questionnaire = as_questionnaire(questionnaire)
    columns = [str(column) for column in raw.columns]
    _check_columns(columns, questionnaire, source)
    if raw.empty:
        raise DataError(N_("there are no responses to analyse yet"), source=source)
    raw = raw.astype("str").fillna("")
    frame = _fixed_columns(raw, source)
    for item in questionnaire.items:
        if item.id not in raw:
            continue
        values = raw[item.id].fillna("").astype("str")
        if item.kind is Kind.TEXT:
            stripped = values.str.strip()
            frame[item.id] = stripped.where(stripped != "").astype("str")
        elif item.kind is Kind.NUMBER:
            frame[item.id] = _number_column(values, item, source, decimal_comma)
        else:
            frame[item.id] = _coded_column(values, item, source)
    return tag(frame, questionnaire)


def read_responses(
    path_or_buffer: str | os.PathLike[str] | IO[bytes], questionnaire: QuestionnaireLike
) -> pd.DataFrame:
    """Read and check a responses CSV file in the exchange format (docs/data-format.md).

    Parameters
    ----------
    path_or_buffer : str, path or binary file
        The CSV file: UTF-8 (with or without BOM), UTF-16, or Windows-1252 (what Excel
        saves as "CSV (;-separated)" in a Belgian locale), separated by
        commas, semicolons (then with decimal commas) or tabs.
    questionnaire : Questionnaire, str or path
        The questionnaire, a shipped name ("klimaatteam") or a YAML file.

    Returns
    -------
    pandas.DataFrame
        As :func:`validate_responses`: typed columns, and the questionnaire
        in ``attrs["questionnaire"]`` so that ``compare_themes(frame)``
        needs nothing else.

    Raises
    ------
    DataError
        The file cannot be read or checked; the message names the
        spreadsheet row (the header is row 1) and the column.

    Examples
    --------
    >>> import io
    >>> text = "wave;mobility_distance_km\\nnulmeting;12,5\\nopvolgmeting;\\n"
    >>> frame = read_responses(io.BytesIO(text.encode()), "klimaatteam")
    >>> frame["mobility_distance_km"].tolist()
    [12.5, <NA>]
    >>> frame.attrs["questionnaire"]
    <questionnaire klimaatteam v1>
    """
    if hasattr(path_or_buffer, "read"):
        source = getattr(path_or_buffer, "name", "responses")
        raw_bytes = path_or_buffer.read(MAX_BYTES + 1)
    else:
        source = os.fspath(path_or_buffer)
        try:
            with open(path_or_buffer, "rb") as handle:
                raw_bytes = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise DataError(
                N_("cannot read the file ({reason})"), source=source, reason=error.strerror
            ) from None
    source = os.path.basename(str(source))
    if len(raw_bytes) > MAX_BYTES:
        raise DataError(
            N_("the file is larger than {size} MB"), source=source, size=MAX_BYTES // 2**20
        )
    text = _decode(raw_bytes, source)
    header = text.split("\n", 1)[0]
    separator = _separator(header)
    try:
        with warnings.catch_warnings():
            # index_col=False makes pandas warn (and drop cells) for a row longer than the header
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(
                io.StringIO(text),
                sep=separator,
                dtype="str",
                keep_default_na=False,
                index_col=False,
                na_filter=False,
                skip_blank_lines=True,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning) as error:
        match = re.search(r"line (\d+)", str(error))
        raise DataError(
            N_("a row has more cells than the header has columns — check separators and quotes"),
            source=source,
            row=int(match.group(1)) if match else _first_long_row(text, separator),
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(
            N_("the file is empty — export the responses again"), source=source
        ) from None
    try:
        header_cells = next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), [])
    except csv.Error:  # pandas parsed it; keep pandas' names
        header_cells = []
    if len(header_cells) == len(raw.columns):
        raw.columns = [str(cell).strip() for cell in header_cells]  # pandas renames repeats
    else:
        raw.columns = [str(column).strip() for column in raw.columns]
    if raw.empty:
        _check_columns(
            [str(column) for column in raw.columns], as_questionnaire(questionnaire), source
        )
        raise DataError(N_("the file has a header but no responses"), source=source)
    return validate_responses(raw, questionnaire, source=source, decimal_comma=separator == ";")


def wave_names(frame: pd.DataFrame) -> list[str]:
    """The waves in the order they first appear (exports put the baseline first).

    Examples
    --------
    >>> import pandas as pd
    >>> wave_names(pd.DataFrame({"wave": ["nulmeting", "opvolgmeting", "nulmeting"]}))
    ['nulmeting', 'opvolgmeting']
    """
    return list(dict.fromkeys(frame["wave"].dropna().tolist()))


def choose_waves(
    frame: pd.DataFrame,
    baseline: str | None = None,
    follow_up: str | None = None,
    *,
    source: str = "responses",
) -> tuple[str, str]:
    """The baseline and follow-up wave names: as given, or the first two in the data.

    Raises :class:`DataError` for a wave the data does not have, or when
    fewer than two different waves are left to compare.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"wave": ["2025", "2026", "2027"]})
    >>> choose_waves(frame), choose_waves(frame, follow_up="2027")
    (('2025', '2026'), ('2025', '2027'))
    """
    names = wave_names(frame)
    for name in (baseline, follow_up):
        if name is not None and name not in names:
            raise DataError(
                N_("unknown wave '{wave}' — the data has waves: {waves}"),
                source=source,
                column="wave",
                wave=shown(name),
                waves=", ".join(shown(n) for n in names),
            )
    if baseline is None or follow_up is None:
        remaining = [name for name in names if name not in (baseline, follow_up)]
        if baseline is None and remaining:
            baseline = remaining.pop(0)
        if follow_up is None and remaining:
            follow_up = remaining.pop(0)
    if baseline is None or follow_up is None or baseline == follow_up:
        raise DataError(
            N_("two different waves are needed to compare, the data has: {waves}")
            if names
            else N_("two different waves are needed to compare, the data has none"),
            source=source,
            column="wave",
            waves=", ".join(shown(n) for n in names),
        )
    return baseline, follow_up
