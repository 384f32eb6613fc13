from django.urls import path

from carteira.accounts import views

app_name = "accounts"
urlpatterns = [path("preferences/", views.preferences, name="preferences")]
