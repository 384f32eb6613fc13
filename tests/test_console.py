"""The command line's progress: one rewritten line on a terminal, whole lines in a log."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from carteira.console import ProgressLine


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_one_line_rewritten_with_carriage_returns():
    screen = Terminal()
    line = ProgressLine(screen)
    line.count("5.000 linhas lidas")
    line.count("10.000 linhas lidas")
    line.count("9 linhas")  # shorter: the rest of the longer count is wiped
    line.done()
    assert screen.getvalue() == ("\r5.000 linhas lidas\r10.000 linhas lidas\r9 linhas           \n")


def test_a_log_gets_whole_lines_at_most_one_per_interval_and_always_the_last():
    log, clock = io.StringIO(), Clock()
    line = ProgressLine(log, interval=5, clock=clock)
    line.count("5.000 linhas lidas")
    clock.now += 1
    line.count("10.000 linhas lidas")  # held back: 1 s after the last line
    clock.now += 5
    line.count("15.000 linhas lidas")
    clock.now += 1
    line.count("20.000 linhas lidas")
    line.done()
    assert log.getvalue() == "5.000 linhas lidas\n15.000 linhas lidas\n20.000 linhas lidas\n"


def test_the_terminal_is_detected_from_the_stream_and_a_message_ends_the_counter_line():
    screen, log = Terminal(), io.StringIO()
    on_screen, in_log = ProgressLine(screen), ProgressLine(log)
    assert (on_screen.tty, in_log.tty) == (True, False)
    on_screen.count("1 linha lida")
    on_screen.say("[demo] pronto")
    in_log.say("[demo] pronto")
    assert screen.getvalue() == "\r1 linha lida\n[demo] pronto\n"
    assert log.getvalue() == "[demo] pronto\n"


def test_done_without_any_count_writes_nothing():
    screen, log = Terminal(), io.StringIO()
    ProgressLine(screen).done()
    ProgressLine(log).done()
    assert (screen.getvalue(), log.getvalue()) == ("", "")


def test_a_django_output_wrapper_is_written_through_to_its_stream():
    from django.core.management.base import OutputWrapper

    log = io.StringIO()
    line = ProgressLine(OutputWrapper(log))
    line.count("3 linhas lidas")
    line.done()
    assert log.getvalue() == "3 linhas lidas\n"


@pytest.mark.django_db
def test_snapshot_and_import_write_whole_lines_when_stderr_is_a_log(portfolio, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    translation.deactivate()  # as in a fresh `carteira` process: the workspace's pt-BR
    snapshot_err, import_err = io.StringIO(), io.StringIO()
    call_command("snapshot", "--as-of", "2026-06-30", stdout=io.StringIO(), stderr=snapshot_err)
    orders = tmp_path / "pedidos.csv"
    orders.write_text("pedido;cliente;data;valor\nP1;A1;01/03/2026;10,00\n", encoding="utf-8")
    call_command("import", "orders", str(orders), stdout=io.StringIO(), stderr=import_err)
    assert snapshot_err.getvalue() == (
        "lendo a carteira em 2026-06-30…\ngravando os números do painel…\n"
    )
    assert import_err.getvalue() == "1 linha lida\n"
