from django.urls import path

from carteira.credit import limit_views, views

app_name = "credit"
urlpatterns = [
    path("aging/", views.aging, name="aging"),
    path("clients/<int:client_id>/limit/", limit_views.set_limit, name="set_limit"),
]
