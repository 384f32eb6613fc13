from django.urls import path

from carteira.credit import views

app_name = "credit"
urlpatterns = [path("aging/", views.aging, name="aging")]
