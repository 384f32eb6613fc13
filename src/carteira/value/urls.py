from django.urls import path

from carteira.value import views

app_name = "value"
urlpatterns = [
    path("", views.valuation, name="valuation"),
    path("model/", views.model_check, name="model"),
    path("lists/", views.central_lists, name="lists"),
]
