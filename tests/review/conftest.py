from goals.conftest import november  # noqa: F401 -- the same small history
