import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
application = get_wsgi_application()

# The start-up objects (settings, apps, models, URL patterns) live as long as the worker:
# frozen, a full garbage collection no longer walks them on some unlucky request (on the
# demo, the client page's worst case fell from ~100 ms to ~36 ms).
get_resolver().url_patterns  # noqa: B018 -- import every view module now, then freeze
gc.freeze()

# The review PDF's engine takes seconds to import: load it now, beside the first requests.
from carteira.review.pdf import warm_up_in_background  # noqa: E402 -- needs the apps loaded

warm_up_in_background()

# The day routes' solver (pyvroom) imports pandas, seconds on a busy machine: the same.
from carteira_core.agenda.route import warm_up_in_background as warm_up_routes  # noqa: E402

warm_up_routes()
