from django.urls import path

from carteira.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:run_id>/", views.preview, name="preview"),
    path("<int:run_id>/commit/", views.commit, name="commit"),
    path("<int:run_id>/result/", views.result, name="result"),
    path("<int:run_id>/progress/", views.progress, name="progress"),
    path("<int:run_id>/reading/", views.reading, name="reading"),
    path("<int:run_id>/reading/again/", views.read_again, name="read_again"),
    path("<int:run_id>/errors.csv", views.error_report, name="errors"),
]
