"""Questionnaire variants: a file that builds on another questionnaire and changes what it asks.

A climate team chooses its own themes and adds its own questions. A variant
says so without copying the questionnaire it builds on::

    extends: klimaatteam        # a shipped questionnaire (or one stored in the app)
    id: teststad
    version: 1
    omit: [mobility, paper_duplex]   # themes, or optional items, left out
    include: [bank_stairs]           # optional items from the item bank
    themes: []                       # own themes, if any
    items:                           # own items, in the shipped item format
      - id: teststad_stairs
        theme: energy_water
        kind: frequency
        label: {nl: "…", fr: "…", en: "…"}
    order: [teststad_stairs]         # optional: these items first within their theme

:func:`resolve` turns a variant into the complete questionnaire mapping, which
the loader then checks exactly as a full file; every problem is reported at
the variant's own line (an own item at its entry under ``items:``, a bank item
at its ``include:`` entry, the base's parts at ``extends:``).

The shipped questionnaire keeps its core items: a theme's score compares
across organisations only when its core items are asked, so only items marked
``optional: true`` may be left out one by one; a whole theme may always go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from questionnaires.findings import Finding, Path, entries

#: The keys a variant may have. ``extends`` makes a file a variant.
VARIANT_KEYS = (
    "extends",
    "id",
    "version",
    "title",
    "languages",
    "metadata",
    "omit",
    "include",
    "themes",
    "items",
    "order",
)
#: Keys a variant takes from its base when it does not give them itself.
_INHERITED = ("title", "languages")


def is_variant(data: Any) -> bool:
    """Whether parsed questionnaire data is a variant (it names what it ``extends``)."""
    return isinstance(data, dict) and "extends" in data


@dataclass(frozen=True)
class Bank:
    """The item bank: optional items per theme, each with its source.

    ``items`` maps an item id to its mapping in the questionnaire format,
    ``sources`` a source id to its mapping (id, citation, url).
    """

    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)


NO_BANK = Bank()


@dataclass
class Resolution:
    """A variant resolved: the complete mapping, problems found in the variant itself,
    and where each part of the complete mapping came from in the variant."""

    data: dict[str, Any] | None
    findings: list[Finding]
    item_origins: list[Path] = field(default_factory=list)
    theme_origins: list[Path] = field(default_factory=list)
    variant: dict[str, Any] = field(default_factory=dict)

    def origin(self, path: Path) -> Path:
        """The place in the variant a location of the complete mapping comes from.

        >>> r = Resolution({}, [], [("extends",), ("items", 0)], [], {"id": "x"})
        >>> r.origin(("items", 1, "label", "fr")), r.origin(("items", 0, "kind"))
        (('items', 0, 'label', 'fr'), ('extends',))
        >>> r.origin(("id",)), r.origin(("title", "nl"))
        (('id',), ('extends',))
        """
        if len(path) >= 2 and path[0] in ("items", "themes") and isinstance(path[1], int):
            origins = self.item_origins if path[0] == "items" else self.theme_origins
            if 0 <= path[1] < len(origins):
                origin = origins[path[1]]
                return (*origin, *path[2:]) if origin[0] in ("items", "themes") else origin
            return (path[0],)
        if path and path[0] in self.variant:
            return path
        return ("extends",)


def resolve(
    variant: dict[str, Any],
    base: dict[str, Any] | None,
    bank: Bank = NO_BANK,
) -> Resolution:
    """The complete questionnaire a variant describes, as a mapping to validate.

    ``base`` is the complete (valid) questionnaire named by ``extends``, as
    :func:`questionnaires.snapshot` gives it, or ``None`` when no such
    questionnaire exists. Problems of the variant's own keys (an unknown key,
    an id in ``omit`` or ``include`` that names nothing) come back as findings;
    the complete mapping is checked by the caller like any questionnaire.

    Examples
    --------
    >>> base = {"id": "b", "version": 1, "languages": ["nl"], "title": {"nl": "B"},
    ...     "themes": [{"id": "t", "label": {"nl": "T"}}, {"id": "u", "label": {"nl": "U"}}],
    ...     "items": [{"id": "t_a", "theme": "t", "kind": "yes_no", "label": {"nl": "A"}},
    ...               {"id": "u_a", "theme": "u", "kind": "yes_no", "label": {"nl": "U"}}]}
    >>> own = {"id": "t_own", "theme": "t", "kind": "yes_no", "label": {"nl": "Eigen"}}
    >>> r = resolve({"extends": "b", "id": "v", "version": 1, "omit": ["u"], "items": [own]},
    ...     base)
    >>> [t["id"] for t in r.data["themes"]], [i["id"] for i in r.data["items"]], r.findings
    (['t'], ['t_a', 't_own'], [])
    >>> resolve({"extends": "b", "omit": ["t_a", "nothing"]}, base).findings[1].message[:40]
    "'nothing' is neither a theme nor an item"
    """
    found: list[Finding] = []
    for key in variant:
        if key not in VARIANT_KEYS:
            found.append(
                Finding(
                    (key,),
                    f"unknown key '{key}' — a variant may have {', '.join(VARIANT_KEYS)}",
                )
            )
    name = variant.get("extends")
    if base is None:
        found.append(
            Finding(
                ("extends",),
                f"extends: {name!r} names no questionnaire — give the id of a shipped"
                " questionnaire (klimaatteam) or of one stored for the organisation",
            )
        )
        return Resolution(None, found, variant=variant)
    base_id = str(base.get("id"))
    themes = [dict(theme) for theme in base.get("themes", [])]
    items = [dict(item) for item in base.get("items", [])]
    item_origins: list[Path] = [("extends",)] * len(items)
    theme_origins: list[Path] = [("extends",)] * len(themes)

    left_out_themes, left_out_items = _omitted(variant.get("omit"), base_id, themes, items, found)
    keep_themes = [i for i, theme in enumerate(themes) if theme.get("id") not in left_out_themes]
    themes = [themes[i] for i in keep_themes]
    theme_origins = [theme_origins[i] for i in keep_themes]
    keep_items = [
        i
        for i, item in enumerate(items)
        if item.get("theme") not in left_out_themes and item.get("id") not in left_out_items
    ]
    items = [items[i] for i in keep_items]
    item_origins = [item_origins[i] for i in keep_items]

    sources = list(_sources(base.get("metadata")))
    metadata = variant.get("metadata") if isinstance(variant.get("metadata"), dict) else {}
    sources += [s for s in _sources(metadata) if s.get("id") not in {x.get("id") for x in sources}]

    kept_theme_ids = {theme.get("id") for theme in themes}
    own_theme_ids = {t.get("id") for _, t in entries(variant.get("themes"))}
    for j, bank_id in _listed(variant.get("include"), "include", found):
        bank_item = bank.items.get(bank_id)
        if bank_id in {item.get("id") for item in items}:
            found.append(Finding(("include", j), f"'{bank_id}' is already asked — remove it here"))
        elif bank_item is None:
            found.append(
                Finding(
                    ("include", j),
                    f"'{bank_id}' is not in the item bank — see `klimaatpeil questionnaire"
                    " bank` for the items it has",
                )
            )
        elif bank_item.get("theme") not in kept_theme_ids | own_theme_ids:
            found.append(
                Finding(
                    ("include", j),
                    f"bank item '{bank_id}' belongs to theme '{bank_item.get('theme')}',"
                    " which this variant leaves out — remove it here or keep its theme",
                )
            )
        else:
            items.append(dict(bank_item))
            item_origins.append(("include", j))
            source = bank.sources.get(str(bank_item.get("source")))
            if source is not None and source["id"] not in {s.get("id") for s in sources}:
                sources.append(dict(source))

    own_themes = variant.get("themes", [])
    if isinstance(own_themes, list):
        for t, theme in enumerate(own_themes):
            themes.append(theme)
            theme_origins.append(("themes", t))
    elif own_themes is not None:
        found.append(Finding(("themes",), "themes: write a list of own themes (or leave it out)"))
    own_items = variant.get("items", [])
    if isinstance(own_items, list):
        for i, item in enumerate(own_items):
            items.append(item)
            item_origins.append(("items", i))
    elif own_items is not None:
        found.append(Finding(("items",), "items: write a list of own items (or leave it out)"))

    items, item_origins = _ordered(variant.get("order"), items, item_origins, found)

    data: dict[str, Any] = {key: base[key] for key in ("id", "version", *_INHERITED) if key in base}
    data.update({key: variant[key] for key in ("id", "version", *_INHERITED) if key in variant})
    base_metadata = base.get("metadata") if isinstance(base.get("metadata"), dict) else {}
    data["metadata"] = {
        **{k: v for k, v in base_metadata.items() if k != "sources"},
        **{k: v for k, v in metadata.items() if k != "sources"},
        "sources": sources,
    }
    data["themes"] = themes
    data["items"] = items
    return Resolution(data, found, item_origins, theme_origins, variant)


def _sources(metadata: Any) -> list[dict[str, Any]]:
    if not isinstance(metadata, dict):
        return []
    return [dict(source) for _, source in entries(metadata.get("sources"))]


def _listed(value: Any, key: str, found: list[Finding]) -> list[tuple[int, str]]:
    """The ids of an ``omit``, ``include`` or ``order`` list, each once."""
    if value is None:
        return []
    if not isinstance(value, list):
        found.append(Finding((key,), f"{key}: write a list of ids, like [{key}_id_1, {key}_id_2]"))
        return []
    seen: set[str] = set()
    listed = []
    for j, ident in enumerate(value):
        if not isinstance(ident, str):
            found.append(Finding((key, j), f"{key}: {ident!r} is not an id — write the id as text"))
        elif ident in seen:
            found.append(Finding((key, j), f"'{ident}' is listed twice — remove one"))
        else:
            seen.add(ident)
            listed.append((j, ident))
    return listed


def _omitted(
    value: Any,
    base_id: str,
    themes: list[dict[str, Any]],
    items: list[dict[str, Any]],
    found: list[Finding],
) -> tuple[set[str], set[str]]:
    """The theme ids and item ids ``omit`` leaves out; core items and unknown ids are findings."""
    theme_ids = {theme.get("id") for theme in themes}
    by_id = {item.get("id"): item for item in items}
    left_out_themes: set[str] = set()
    left_out_items: set[str] = set()
    for j, ident in _listed(value, "omit", found):
        if ident in theme_ids:
            left_out_themes.add(ident)
        elif ident in by_id and by_id[ident].get("optional"):
            left_out_items.add(ident)
        elif ident in by_id:
            found.append(
                Finding(
                    ("omit", j),
                    f"'{ident}' is a core item of {base_id}: its theme's score is compared with"
                    " other organisations only when it is asked — keep it, or leave out its"
                    f" whole theme ({by_id[ident].get('theme')})",
                )
            )
        else:
            optional = sorted(i for i, item in by_id.items() if item.get("optional"))
            found.append(
                Finding(
                    ("omit", j),
                    f"'{ident}' is neither a theme nor an item of {base_id} — use a theme id"
                    f" ({', '.join(sorted(map(str, theme_ids)))}) or an optional item id"
                    f" ({', '.join(map(str, optional)) or 'none'})",
                )
            )
    return left_out_themes, left_out_items


def _ordered(
    value: Any, items: list[Any], origins: list[Path], found: list[Finding]
) -> tuple[list[Any], list[Path]]:
    """Items listed in ``order`` first, in that order; the others after them as they were."""
    listed = _listed(value, "order", found)
    if not listed:
        return items, origins
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    rank: dict[str, int] = {}
    for j, ident in listed:
        if ident in ids:
            rank[ident] = len(rank)
        else:
            found.append(
                Finding(("order", j), f"'{ident}' is no item of this questionnaire — remove it")
            )
    position = sorted(
        range(len(items)), key=lambda k: (rank.get(ids[k], len(rank)) if ids[k] else len(rank), k)
    )
    return [items[k] for k in position], [origins[k] for k in position]


BaseLookup = Callable[[str], "dict[str, Any] | None"]
