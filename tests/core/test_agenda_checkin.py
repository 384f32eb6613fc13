"""A check-in is verified within the radius of the client's coordinates, else says why."""

from carteira_core.agenda.checkin import Verdict, check_in_verdict

CLIENT = (-30.0330, -51.2100)
# 0.00045° of latitude ≈ 50 m; 0.02° ≈ 2.2 km.
FIFTY_M_AWAY = (-30.03345, -51.2100)
TWO_KM_AWAY = (-30.0530, -51.2100)


def test_a_phone_50_m_from_the_client_is_verified_within_200_m():
    assert check_in_verdict(FIFTY_M_AWAY, CLIENT, accuracy_m=15, radius_m=200) == Verdict(
        True, "", 50
    )


def test_a_phone_2_km_away_is_unverified_as_far_with_the_distance():
    assert check_in_verdict(TWO_KM_AWAY, CLIENT, accuracy_m=10, radius_m=200) == Verdict(
        False, "far", 2224
    )


def test_the_radius_decides_50_m_is_far_with_a_radius_of_40_m():
    assert check_in_verdict(FIFTY_M_AWAY, CLIENT, accuracy_m=5, radius_m=40).reason == "far"


def test_a_position_less_precise_than_the_radius_cannot_verify():
    verdict = check_in_verdict(FIFTY_M_AWAY, CLIENT, accuracy_m=1500, radius_m=200)
    assert verdict == Verdict(False, "imprecise", 50)


def test_no_position_and_no_client_coordinates_are_unverified_and_say_which():
    assert check_in_verdict(None, CLIENT, accuracy_m=None, radius_m=200) == Verdict(
        False, "no_position", None
    )
    assert check_in_verdict(FIFTY_M_AWAY, None, accuracy_m=5, radius_m=200) == Verdict(
        False, "no_client_location", None
    )


def test_an_unknown_accuracy_does_not_prevent_verification():
    assert check_in_verdict(FIFTY_M_AWAY, CLIENT, accuracy_m=None, radius_m=200).verified
