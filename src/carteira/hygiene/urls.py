from django.urls import path

from carteira.hygiene import views

app_name = "hygiene"
urlpatterns = [
    path("", views.index, name="index"),
    path("fix/", views.fix, name="fix"),
    path("duplicates/", views.duplicates, name="duplicates"),
]
