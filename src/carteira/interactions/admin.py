from django.contrib import admin

from carteira.interactions.models import InactivityReason, Interaction


@admin.register(InactivityReason)
class InactivityReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "active"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["date", "client", "channel", "successful", "seller"]
    list_filter = ["channel", "successful"]
    date_hierarchy = "date"
    raw_id_fields = ["client", "seller", "recorded_by"]
    list_select_related = ["client", "seller"]
