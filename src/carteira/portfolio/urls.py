from django.urls import path

from carteira.portfolio import rules_views, views

app_name = "portfolio"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rules/", rules_views.rules_page, name="rules"),
]
