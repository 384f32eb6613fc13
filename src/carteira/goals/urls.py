from django.urls import path

from carteira.goals import views

app_name = "goals"
urlpatterns = [
    path("", views.grid, name="grid"),
    path("copy/", views.copy_previous, name="copy"),
    path("import/", views.import_csv, name="import"),
    path("performance/", views.performance_page, name="performance"),
]
