from django.urls import path

from carteira.privacy import views

app_name = "privacy"
urlpatterns = [
    path("contacts/<int:contact_id>/", views.contact_report, name="contact"),
    path("contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/anonymise/", views.contact_anonymise, name="anonymise"),
    path("contacts/<int:contact_id>/block/", views.contact_block, name="block"),
    path("requests/", views.requests_page, name="requests"),
    path("requests/<int:request_id>/answer/", views.request_answer, name="answer"),
]
