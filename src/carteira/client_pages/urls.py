from django.urls import path, re_path

from carteira.client_pages import bulk_views, views
from carteira.clients import edit_views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/edit/", edit_views.client_edit, name="edit"),
    path("<int:client_id>/photos/<int:photo_id>/", views.client_photo, name="photo"),
    path("move/", bulk_views.bulk_move, name="bulk_move"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.client_export, name="export"),
]
