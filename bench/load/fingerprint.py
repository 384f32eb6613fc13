"""What a dashboard page shows of its scope: the seller choices and the KPI figures.

Shared by the driver (each account's dashboard measured alone, before the load) and the
locustfile (every dashboard under load compared with them: a shared-cache leak shows up as
another account's figures or sellers).
"""

from __future__ import annotations

import re

SELLER_OPTIONS = re.compile(r'<select name="seller"[^>]*>(.*?)</select>', re.S)
OPTION_VALUE = re.compile(r'<option value="(\d+)"')
KPI_VALUE = re.compile(r'<strong class="kpi-value">([^<]*)</strong>')


def dashboard_fingerprint(html: str) -> list:
    options = SELLER_OPTIONS.search(html)
    sellers = sorted(OPTION_VALUE.findall(options.group(1))) if options else []
    return [sellers, KPI_VALUE.findall(html)]
