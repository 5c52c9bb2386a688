"""The factors file: published figures and assumptions behind the estimated savings.

``factors.yaml`` (shipped with this package) holds two lists, ``factors``
(published figures from the research, with their source and year) and
``assumptions`` (figures Klimaatpeil had to assume, with the reason in
``source``). Both are validated here; every problem names the entry and the
field. An organisation's own figures (electricity price from its invoices,
wattages from a plug meter) replace the shipped ones by id and are marked
``local``.

Examples
--------
>>> from analysis.impact import load_factors
>>> factors = load_factors({"electricity_price": 0.31})
>>> factors["electricity_price"].value, factors["electricity_price"].local
(0.31, True)
>>> factors["electricity_co2"].low, factors["electricity_co2"].local
(0.144, False)
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping
from importlib import resources
from numbers import Real
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

__all__ = ["Factor", "FactorError", "FactorSet", "FactorText", "load_factors", "parse_factors"]

SHIPPED = "factors.yaml"
Number = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
FactorId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]


class FactorError(ValueError):
    """A factors file or an override that cannot be used; the message lists every problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source, self.problems = source, problems
        super().__init__(f"{source}: " + "; ".join(problems))


#: The languages a factor's label, unit and source are given in besides English.
TRANSLATED = ("nl", "fr")


class FactorText(BaseModel):
    """What a reader sees of a factor in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Text
    unit: Text
    source: Text


class Factor(BaseModel):
    """One figure: value, optional published range, unit, source and year.

    ``label``, ``unit`` and ``source`` are English; ``translations`` gives
    them in every other report language (:data:`TRANSLATED`), checked here.
    ``year`` is a year (2023) or a word when the source gives none
    ("undated", "varies"). ``local`` is true for an organisation's own figure.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: FactorId
    label: Text
    value: Number
    low: Number | None = None
    high: Number | None = None
    unit: Text
    source: Text
    year: Annotated[int, Field(strict=True, ge=1900, le=2100)] | Text
    note: str = ""
    kind: Literal["factor", "assumption"] = "factor"
    local: bool = False
    translations: dict[Literal["nl", "fr"], FactorText]

    @model_validator(mode="after")
    def _range(self) -> Factor:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both low and high, or neither")
        if self.low is not None and not self.low <= self.value <= self.high:
            raise ValueError(
                f"low ≤ value ≤ high does not hold ({self.low}, {self.value}, {self.high})"
            )
        missing = [language for language in TRANSLATED if language not in self.translations]
        if missing:
            raise ValueError(f"translations: give label, unit and source in {', '.join(missing)}")
        return self

    def text(self, language: str) -> FactorText:
        """Label, unit and source for a reader of ``language`` (English for en).

        Examples
        --------
        >>> from analysis.impact import load_factors
        >>> load_factors()["office_days"].text("fr").unit
        'jours/an'
        """
        if language in self.translations:
            return self.translations[language]  # type: ignore[index]
        return FactorText(label=self.label, unit=self.unit, source=self.source)

    def record(self) -> dict[str, Any]:
        """The factor as a plain dict, as it appears in an estimate's ``assumptions``."""
        return self.model_dump(
            include={"id", "kind", "value", "low", "high", "unit", "source", "year", "local"}
        )


class FactorSet(Mapping[str, Factor]):
    """Factors by id (read-only mapping).

    Examples
    --------
    >>> from analysis.impact import load_factors
    >>> factors = load_factors()
    >>> factors.value("pc_off_w"), factors["pc_off_w"].unit
    (0.5, 'W')
    """

    def __init__(self, factors: Mapping[str, Factor]) -> None:
        self._factors = dict(factors)

    def __getitem__(self, factor_id: str) -> Factor:
        try:
            return self._factors[factor_id]
        except KeyError:
            raise KeyError(_unknown(factor_id, self._factors)) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._factors)

    def __len__(self) -> int:
        return len(self._factors)

    def value(self, factor_id: str) -> float:
        """The value used for ``factor_id`` (the local one when set)."""
        return self[factor_id].value

    def with_overrides(
        self, overrides: Mapping[str, Any] | None, source: str = "overrides"
    ) -> FactorSet:
        """A copy with local values; a local value replaces the value and drops the range."""
        problems = []
        replaced = dict(self._factors)
        for factor_id, value in (overrides or {}).items():
            if factor_id not in self._factors:
                problems.append(_unknown(str(factor_id), self._factors))
            elif isinstance(value, bool) or not isinstance(value, Real):
                problems.append(
                    f"factor '{factor_id}': the local value must be a number, not {value!r}"
                )
            elif not math.isfinite(float(value)) or float(value) < 0:
                problems.append(
                    f"factor '{factor_id}': the local value must be a finite "
                    f"number ≥ 0, not {value!r}"
                )
            else:
                replaced[factor_id] = self._factors[factor_id].model_copy(
                    update={"value": float(value), "low": None, "high": None, "local": True}
                )
        if problems:
            raise FactorError(source, problems)
        return FactorSet(replaced)

    def records(self) -> list[dict[str, Any]]:
        """Every factor as a plain dict, in file order (for a table of assumptions)."""
        return [factor.model_dump() for factor in self._factors.values()]


def _unknown(factor_id: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(factor_id, list(known), n=1)
    hint = f" — did you mean '{close[0]}'?" if close else " — see analysis/impact/factors.yaml"
    return f"unknown factor '{factor_id}'{hint}"


def _where(kind: str, index: int, entry: Any) -> str:
    if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
        return f"{kind} '{entry['id']}' ({kind}s[{index}])"
    return f"{kind}s[{index}]"


def _entry_problems(where: str, error: ValidationError) -> list[str]:
    problems = []
    for detail in error.errors():
        field = ".".join(str(part) for part in detail["loc"] if not isinstance(part, int))
        message = detail["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")
    return problems


def parse_factors(data: Any, source: str = SHIPPED) -> FactorSet:
    """Validate the content of a factors file (already parsed YAML).

    Raises
    ------
    FactorError
        Listing every problem, each naming the factor and the field.

    Examples
    --------
    >>> text = {"label": "x", "unit": "W", "source": "s"}
    >>> parse_factors({"version": 1, "factors": [{"id": "x", "label": "x", "value": -1,
    ...                "unit": "W", "source": "s", "year": 2020,
    ...                "translations": {"nl": text, "fr": text}}]})
    Traceback (most recent call last):
    ...
    analysis.impact.factors.FactorError: factors.yaml: factor 'x' (factors[0]): value: Input should be greater than or equal to 0
    """  # noqa: E501
    if not isinstance(data, Mapping):
        raise FactorError(
            source, ["expected a mapping with 'version', 'factors' and 'assumptions'"]
        )
    problems = [
        f"unknown key '{key}' — expected version, factors, assumptions"
        for key in data
        if key not in ("version", "factors", "assumptions")
    ]
    if data.get("version") != 1:
        problems.append(f"version must be 1, not {data.get('version')!r}")
    factors: dict[str, Factor] = {}
    for key, kind in (("factors", "factor"), ("assumptions", "assumption")):
        entries = data.get(key, [] if key == "assumptions" else None)
        if not isinstance(entries, list):
            problems.append(f"'{key}' must be a list of entries")
            continue
        for index, entry in enumerate(entries):
            where = _where(kind, index, entry)
            if not isinstance(entry, Mapping):
                problems.append(
                    f"{where}: expected a mapping with id, label, value, unit, source, year, "
                    "translations"
                )
                continue
            try:
                factor = Factor.model_validate({**entry, "kind": kind})
            except ValidationError as error:
                problems.extend(_entry_problems(where, error))
                continue
            if factor.id in factors:
                problems.append(f"{where}: the id '{factor.id}' is used twice")
            factors[factor.id] = factor
    if problems:
        raise FactorError(source, problems)
    return FactorSet(factors)


def load_factors(
    overrides: Mapping[str, float] | None = None, path: str | Path | None = None
) -> FactorSet:
    """The shipped factors (or those in ``path``), with an organisation's local figures.

    Parameters
    ----------
    overrides : mapping of factor id to number, optional
        Local figures (own electricity price, measured wattages). Each
        replaces the factor's value, drops its published range and marks it
        ``local``.
    path : path, optional
        Another factors file in the same format.

    Raises
    ------
    FactorError
        When the file is invalid or an override names an unknown factor or is
        not a finite number ≥ 0.

    Examples
    --------
    >>> load_factors({"electricty_price": 0.3})
    Traceback (most recent call last):
    ...
    analysis.impact.factors.FactorError: overrides: unknown factor 'electricty_price' — did you mean 'electricity_price'?
    """  # noqa: E501
    if path is None:
        source = SHIPPED
        text = resources.files("analysis.impact").joinpath(SHIPPED).read_text(encoding="utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise FactorError(source, [f"cannot read the file ({error})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise FactorError(source, [f"not valid YAML{line}"]) from None
    return parse_factors(data, source).with_overrides(overrides)
