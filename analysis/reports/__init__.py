"""Diagnosis and impact reports, as self-contained HTML and as PDF."""

from analysis.reports.build import (
    KINDS,
    ReportInput,
    build_report,
    html_to_pdf,
    page_count,
    write_report,
)

__all__ = ["KINDS", "ReportInput", "build_report", "html_to_pdf", "page_count", "write_report"]
