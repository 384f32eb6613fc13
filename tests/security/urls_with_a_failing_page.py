"""The site's URLs plus one page that fails, to see the 500 page (tests only)."""

from django.urls import path

from carteira.accounts.policy import policy
from carteira.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


@policy("login")
def failing_page(request):
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("failing/", failing_page, name="failing")]
