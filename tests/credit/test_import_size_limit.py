"""The largest file an import reads (200 MB by default) is set by CARTEIRA_IMPORT_MAX_FILE_BYTES:
an ERP's 5M titles (271 MB) need it raised or two files. A file over it is refused naming
the limit and the setting, and nothing is written."""

import dataclasses
import io
import runpy

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

import carteira.settings
from carteira.credit.models import Receivable
from carteira_core.ingest import DEFAULT_LIMITS
from tests.personas import make_client

HEADER = "nota;parcela;cliente;emissao;vencimento;valor\n"
TITLES = HEADER + "".join(f"NF{n};1;C101;01/03/2026;31/03/2026;100,00\n" for n in range(1, 11))


@pytest.fixture
def titles(db, seller_ana, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_client("C101", seller_ana)
    path = tmp_path / "titulos.csv"
    path.write_text(TITLES, encoding="utf-8")
    return path


def carteira_import(path) -> str:
    out = io.StringIO()
    with translation.override("pt-br"):
        call_command("import", "receivables", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_file_over_the_limit_is_refused_naming_the_limit_and_nothing_is_written(titles, settings):
    size = len(TITLES.encode())
    settings.CARTEIRA_IMPORT_LIMITS = {"max_file_bytes": size - 1}

    with pytest.raises(CommandError) as refused:
        carteira_import(titles)

    assert str(refused.value) == (
        f"titulos.csv: O arquivo tem {size} bytes; o limite é {size - 1} bytes "
        "(configuração CARTEIRA_IMPORT_MAX_FILE_BYTES)."
    )
    assert Receivable.objects.count() == 0


def test_the_same_file_imports_once_the_limit_allows_it(titles, settings):
    settings.CARTEIRA_IMPORT_LIMITS = {"max_file_bytes": len(TITLES.encode())}

    carteira_import(titles)

    assert Receivable.objects.count() == 10


@pytest.mark.parametrize(("value", "expected"), [("300000000", 300_000_000), (None, 200 * 2**20)])
def test_the_limit_comes_from_the_environment(monkeypatch, tmp_path, value, expected):
    monkeypatch.setenv("CARTEIRA_HOME", str(tmp_path))
    if value is None:
        monkeypatch.delenv("CARTEIRA_IMPORT_MAX_FILE_BYTES", raising=False)
    else:
        monkeypatch.setenv("CARTEIRA_IMPORT_MAX_FILE_BYTES", value)
    # The settings module run again in a namespace of its own, as a new process reads it.
    fresh = runpy.run_path(carteira.settings.__file__)

    limits = dataclasses.replace(DEFAULT_LIMITS, **fresh["CARTEIRA_IMPORT_LIMITS"])
    assert limits.max_file_bytes == expected
