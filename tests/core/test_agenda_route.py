"""A day's visits in the order that travels least, from the start and back."""

from carteira_core.agenda.route import Stop, great_circle_km, plan_route, route_length_km

HOME = (-23.55, -46.63)


def test_great_circle_distance_of_one_degree_of_latitude_is_111_km():
    assert round(great_circle_km((0.0, 0.0), (1.0, 0.0)), 1) == 111.2


def test_stops_on_a_line_are_visited_in_order_out_and_back():
    stops = [Stop(key, (-23.55 + 0.1 * key, -46.63), 30) for key in (3, 1, 2)]
    route = plan_route(HOME, stops)
    assert route.order in ([1, 2, 3], [3, 2, 1])
    assert route.distance_km == round(2 * great_circle_km(HOME, (-23.25, -46.63)), 1)
    assert route.unfit == []


def test_arrivals_add_travel_and_the_time_at_each_client():
    stops = [Stop(1, (-23.55 + 0.1, -46.63), 45), Stop(2, (-23.55 + 0.2, -46.63), 45)]
    route = plan_route(HOME, stops)
    # 11.1 km × 1.3 at 40 km/h = 22 minutes a leg; 45 minutes at the first client.
    assert route.order == [1, 2]
    assert route.arrivals == {1: 8 * 60 + 22, 2: 8 * 60 + 22 + 45 + 22}


def test_a_visit_that_cannot_fit_in_the_day_is_returned_as_unfit():
    stops = [Stop(1, (-23.5, -46.6), 300), Stop(2, (-23.6, -46.7), 300)]
    route = plan_route(HOME, stops)
    assert len(route.order) == 1
    assert len(route.unfit) == 1
    assert set(route.order + route.unfit) == {1, 2}


def test_an_empty_day_has_no_route():
    route = plan_route(HOME, [])
    assert (route.order, route.distance_km, route.unfit) == ([], 0.0, [])


def test_the_route_length_closes_the_loop():
    assert route_length_km(HOME, [(-23.45, -46.63)]) == 2 * great_circle_km(HOME, (-23.45, -46.63))
