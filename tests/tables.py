"""Every table's rows, on any database: for comparing databases and searching stored values."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, select


def table_contents(engine: Engine) -> dict[str, list[tuple]]:
    """Each table's rows, sorted, with values as text (so that 1 and 1.0 compare alike)."""
    metadata = MetaData()
    metadata.reflect(engine)
    contents = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            rows = connection.execute(select(table)).all()
            contents[name] = sorted(tuple(_text(value) for value in row) for row in rows)
    return contents


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        value = int(value)
    return "" if value is None else str(value)


def dump_text(engine: Engine) -> str:
    """All stored values as one text, to search for something that must not be there."""
    return "\n".join(
        f"{name}: {row}" for name, rows in table_contents(engine).items() for row in rows
    )
