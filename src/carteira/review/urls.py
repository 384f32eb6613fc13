from django.urls import path

from carteira.review import views

app_name = "review"
urlpatterns = [
    path("", views.review_page, name="page"),
    path("pdf/", views.review_pdf_download, name="pdf"),
    path("decisions/", views.decision_new, name="decision_new"),
    path("decisions/<int:decision_id>/", views.decision_follow_up, name="decision_follow_up"),
]
