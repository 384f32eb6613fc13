from django.urls import path

from carteira.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new, name="new"),
    path("<int:complaint_id>/", views.detail, name="detail"),
    path("<int:complaint_id>/step/<str:step>/", views.step, name="step"),
    path("<int:complaint_id>/attachments/", views.attach, name="attach"),
    path("<int:complaint_id>/attachments/<slug:key>/", views.attachment, name="attachment"),
    path("client/<int:client_id>/form-link/", views.form_link, name="form_link"),
    path("form/<str:token>/", views.public_form, name="public_form"),
    path("survey/<str:token>/", views.survey, name="survey"),
    path("nps/<str:token>/", views.nps, name="nps"),
]
