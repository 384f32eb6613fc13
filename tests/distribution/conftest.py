import pytest

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """A proposal is computed as it is asked for (test_proposal_in_background.py queues it
    for the real worker instead)."""
    settings.TASKS = IMMEDIATE_TASKS
