"""The review as a PDF: the same data, a print template, WeasyPrint, nothing remote."""

from __future__ import annotations

import threading
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


def warm_up() -> None:
    """Import WeasyPrint and lay out one line: its start (3–4 s on the demo machine: cffi,
    Pango, fontconfig) is then not paid by a user's first review PDF. The review's
    templates are compiled and the number formats' locale data loaded too (about a
    second of a worker's first review page otherwise)."""
    from decimal import Decimal

    from django.template.loader import get_template
    from django.utils import translation
    from weasyprint import HTML

    from carteira.web import formats

    for name in ("review/page.html", "review/pdf.html"):
        get_template(name)
    for language in formats.BABEL_LOCALES:
        with translation.override(language):
            formats.money(Decimal("1234.5")), formats.percent(Decimal("0.5"))
    HTML(string="<p>.</p>").write_pdf()


def warm_up_in_background() -> threading.Thread:
    """Warm the PDF engine beside the first requests (web workers call this at start)."""
    thread = threading.Thread(target=warm_up, name="pdf-warm-up", daemon=True)
    thread.start()
    return thread
