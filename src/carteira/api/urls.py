from django.urls import path

from carteira.api import views
from carteira.api.api import api

app_name = "api"
urlpatterns = [
    path("v1/", api.urls),
    path("docs/assets/<str:name>", views.docs_asset, name="docs-asset"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("webhooks/", views.delivery_log, name="deliveries"),
]
