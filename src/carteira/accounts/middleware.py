from django.utils import translation


class UserLanguageMiddleware:
    """Activate the language the user chose; LocaleMiddleware handles everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        activate_user_language(request)


def activate_user_language(request) -> None:
    """The logged-in user's chosen language (also for error pages met before any view)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language:
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()
