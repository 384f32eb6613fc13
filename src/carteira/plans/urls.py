from django.urls import path

from carteira.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("cells/<int:cell_id>/", views.cell, name="cell"),
    path("cells/new/", views.cell_new, name="cell_new"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/remind/", views.batch_remind, name="batch_remind"),
    path("lost-clients/", views.lost_clients, name="lost_clients"),
    path("lost-clients/<int:client_id>/decide/", views.decide, name="decide"),
]
