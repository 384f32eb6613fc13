"""Road travel times from a routing server (agenda.roads): a local HTTP stub stands in for
OSRM's table service and Valhalla's sources_to_targets (no routing server runs here); when
the server fails, the week falls back to the straight line and says so."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from carteira.agenda.models import Task, WorkSchedule
from carteira.agenda.scheduling import do_schedule
from carteira.agenda.selectors import agenda_tasks
from carteira.agenda.week import seller_week
from tests.agenda.test_week_planning import HOME, MONDAY, visits


class Stub(BaseHTTPRequestHandler):
    """Ten minutes by road between any two places; ``broken`` answers 500."""

    seen: list[str] = []
    broken = False

    def _matrix(self, size: int) -> list[list[int]]:
        return [[0 if i == j else 600 for j in range(size)] for i in range(size)]

    def do_GET(self):  # OSRM: /table/v1/driving/lon,lat;lon,lat?annotations=duration
        Stub.seen.append(self.path)
        if Stub.broken:
            self.send_error(500)
            return
        size = len(self.path.split("?")[0].rsplit("/", 1)[1].split(";"))
        self._answer({"code": "Ok", "durations": self._matrix(size)})

    def do_POST(self):  # Valhalla: /sources_to_targets
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Stub.seen.append(self.path)
        rows = self._matrix(len(body["sources"]))
        self._answer({"sources_to_targets": [[{"time": t, "distance": t / 60} for t in row]
                                             for row in rows]})  # fmt: skip

    def _answer(self, data):
        payload = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Stub.seen, Stub.broken = [], False
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def two(seller_ana):
    seller_ana.home_latitude, seller_ana.home_longitude = HOME
    seller_ana.save()
    WorkSchedule.objects.create(seller=seller_ana, daily_visits=2, daily_calls=2)
    tasks = visits(seller_ana, 2)  # 1.1 and 2.2 km north: 3 and 2 minutes in a straight line
    do_schedule(today=MONDAY, seller_ids=[seller_ana.pk])
    return seller_ana, tasks


def monday(seller):
    week = seller_week(seller, tasks=agenda_tasks(user=seller.user, seller=seller),
                       monday=MONDAY, today=MONDAY)  # fmt: skip
    return week, [row.arrival for row in week.days[0].visits]


@pytest.mark.django_db
def test_without_a_routing_server_the_route_takes_the_straight_line(two):
    week, arrivals = monday(two[0])
    assert arrivals == ["08:03", "08:36"]
    assert week.messages == []


@pytest.mark.django_db
def test_an_osrm_server_gives_the_road_times_of_the_route(two, stub):
    with override_settings(CARTEIRA_ROUTING_URL=stub, CARTEIRA_ROUTING_ENGINE="osrm"):
        week, arrivals = monday(two[0])
    assert arrivals == ["08:10", "08:50"]  # 10 minutes by road, 30 at the first client
    assert week.days[0].distance_km == 4.4  # the day's km stay the great-circle length
    assert Stub.seen == [
        "/table/v1/driving/-51.217700,-30.034600;-51.217700,-30.024600;"
        "-51.217700,-30.014600?annotations=duration"
    ]
    assert week.messages == []


@pytest.mark.django_db
def test_a_valhalla_server_gives_the_road_times_of_the_route(two, stub):
    with override_settings(CARTEIRA_ROUTING_URL=stub, CARTEIRA_ROUTING_ENGINE="valhalla"):
        _week, arrivals = monday(two[0])
    assert arrivals == ["08:10", "08:50"]
    assert Stub.seen == ["/sources_to_targets"]


@pytest.mark.django_db
def test_a_failing_server_falls_back_to_the_straight_line_and_the_week_says_so(two, stub):
    Stub.broken = True
    with override_settings(CARTEIRA_ROUTING_URL=stub):
        week, arrivals = monday(two[0])
    assert arrivals == ["08:03", "08:36"]
    assert len(Stub.seen) == 1  # asked once for the week, not again for each day
    assert week.messages == [
        "O servidor de rotas não respondeu: os tempos de viagem são a linha reta × 1,3 a 40 km/h."
    ]
    assert Task.objects.filter(scheduled_date=MONDAY).count() == 2
