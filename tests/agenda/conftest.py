from tests.plans.story import readings, smtp  # noqa: F401
