from django.urls import re_path

from carteira.exports import views

app_name = "exports"
FMT = r"(?P<fmt>csv|xlsx)"
urlpatterns = [
    re_path(rf"^orders\.{FMT}$", views.orders_export, name="orders"),
    re_path(
        rf"^clients/(?P<client_id>[0-9]+)/orders\.{FMT}$",
        views.client_orders_export,
        name="client_orders",
    ),
    re_path(rf"^tasks\.{FMT}$", views.tasks_export, name="tasks"),
    re_path(
        rf"^reports/(?P<report>clients|kpis|matrix)\.{FMT}$",
        views.report_export,
        name="report",
    ),
]
