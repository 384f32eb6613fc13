import pytest


@pytest.fixture
def console_errors(page):
    """What the page wrote to the console as an error, and its uncaught exceptions."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
