from django.urls import path, re_path

from carteira.exports import views

app_name = "exports"
FMT = r"(?P<fmt>csv|xlsx)"
urlpatterns = [
    path("", views.my_exports, name="mine"),
    path("<int:job_id>/", views.job_page, name="job"),
    path("<int:job_id>/download/", views.download, name="download"),
    # Asking for an export (the links of the pages): each queues a job.
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
