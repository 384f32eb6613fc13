from django.urls import path

from carteira.agenda import views

app_name = "agenda"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("tasks/<int:task_id>/close/", views.close_task, name="close"),
    path("tasks/<int:task_id>/move/", views.move_task, name="move"),
    path("office-days/", views.office_day, name="office_day"),
    path("clients/<int:client_id>/hours/", views.visit_hours, name="visit_hours"),
    path("calendar/", views.feed_settings, name="feed_settings"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
