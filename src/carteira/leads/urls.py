from django.urls import path

from carteira.leads import views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("export.<str:fmt>", views.lead_export, name="export"),
    path("board/", views.board, name="board"),
    path("new/", views.lead_new, name="new"),
    path("plan/", views.plan_contacts, name="plan"),
    path("funnel/", views.funnel, name="funnel"),
    path("<int:lead_id>/", views.lead_detail, name="detail"),
    path("<int:lead_id>/move/", views.lead_move, name="move"),
    path("<int:lead_id>/convert/", views.lead_convert, name="convert"),
    path("<int:lead_id>/contact/", views.lead_contact, name="contact"),
]
