from django.urls import path

from carteira.territory import views

app_name = "territory"
urlpatterns = [
    path("map/", views.territory_map, name="map"),
    path("map/points.json", views.map_points_json, name="points"),
    path("map/clusters.json", views.map_clusters_json, name="clusters"),
    path("clients/<int:client_id>/card/", views.client_card, name="card"),
    path("clients/<int:client_id>/orders/", views.client_orders, name="client_orders"),
    path("clients/<int:client_id>/timeline/", views.client_timeline, name="client_timeline"),
    path("chronology/", views.chronology, name="chronology"),
]
