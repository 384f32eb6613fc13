from django.apps import AppConfig


class ClusterConfig(AppConfig):
    name = "carteira.cluster"
    label = "cluster"
    default_auto_field = "django.db.models.BigAutoField"
