from django.urls import path

from carteira.distribution import views

app_name = "distribution"
urlpatterns = [
    path("", views.index, name="index"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("rules/preview/", views.rules_preview, name="rules_preview"),
    path("rules/apply/", views.rules_apply, name="rules_apply"),
    path("reassign/", views.reassign, name="reassign"),
    path("departure/", views.departure, name="departure"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:proposal_id>/apply/", views.proposal_apply, name="proposal_apply"),
    path("proposals/<int:proposal_id>/discard/", views.proposal_discard, name="proposal_discard"),
    path("moves/", views.history, name="history"),
    path("moves/<int:move_id>/", views.batch_detail, name="batch"),
    path("moves/<int:move_id>/undo/", views.batch_undo, name="batch_undo"),
]
