import pytest

from tests.plans.story import readings, smtp  # noqa: F401 (collection tests; real SMTP)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
