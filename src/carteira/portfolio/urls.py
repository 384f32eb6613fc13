from django.urls import path

from carteira.portfolio import views

app_name = "portfolio"
urlpatterns = [path("", views.dashboard, name="dashboard")]
