from django.contrib import admin

from carteira.leads.models import AcquisitionSpend, Event, Lead, LossReason, Stage


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    """The company's funnel: rename, reorder, hide or add stages (keys never change)."""

    list_display = ("key", "name", "position", "outcome", "active")
    list_editable = ("name", "position", "active")
    ordering = ("position",)

    def get_readonly_fields(self, request, obj=None):
        return ("key",) if obj is not None else ()


@admin.register(LossReason)
class LossReasonAdmin(admin.ModelAdmin):
    list_display = ("name", "active")
    list_editable = ("active",)


for model in (AcquisitionSpend, Event, Lead):
    admin.site.register(model)
