"""The coach's responses as an Excel workbook: questions as headers, and a codebook.

The CSV download is the exchange format (item ids as headers, codes as
numbers) for scripts and for ``analyse``; the workbook is for reading:
each column is headed by the question's text in the coach's language, and
a second sheet says what every code means.
"""

from __future__ import annotations

import io

import pandas as pd
from flask_babel import gettext as _

from analysis.cells import safe_frame
from questionnaires import Kind, Questionnaire
from survey_app.web.survey.forms import item_choices


def _label(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or next(iter(texts.values()))


def responses_workbook(frame: pd.DataFrame, questionnaire: Questionnaire, language: str) -> bytes:
    """An XLSX file: sheet 1 the responses under question texts, sheet 2 the codebook."""
    items = {item.id: item for item in questionnaire.items}
    fixed = {
        "response_id": _("Response"),
        "wave": _("Wave"),
        "department": _("Department"),
        "language": _("Language"),
    }
    headers = {}
    for column in frame.columns:
        if column in fixed:
            headers[column] = fixed[column]
        elif column in items:
            headers[column] = _label(items[column].label, language)
        else:
            headers[column] = column
    codebook = []
    for column in frame.columns:
        item = items.get(column)
        if item is None:
            continue
        coded = item.kind not in (Kind.NUMBER, Kind.TEXT)
        choices = item_choices(item, language) if coded else []
        if not choices:
            codebook.append([headers[column], item.id, "", ""])
        for choice in choices:
            codebook.append([headers[column], item.id, choice.value, str(choice.label)])
    sheets = {
        _("Responses"): frame.rename(columns=headers),
        _("Codebook"): pd.DataFrame(
            codebook, columns=[_("Question"), _("Item id"), _("Code"), _("Meaning")]
        ),
    }
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, sheet in sheets.items():
            safe_frame(sheet).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
