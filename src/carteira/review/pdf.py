"""The review as a PDF: the same data, a print template, WeasyPrint, nothing remote."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

STATIC_DIR = Path(__file__).resolve().parent / "static"


def _local_fetcher():
    """Only local files and data: URLs reach the PDF; anything remote is refused."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"file", "data"})


def review_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("review/pdf.html", context)
    document = HTML(string=html, base_url=str(STATIC_DIR), url_fetcher=_local_fetcher())
    return document.write_pdf()
