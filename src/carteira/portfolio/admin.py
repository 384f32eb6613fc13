from django.contrib import admin

from carteira.portfolio.models import RulesVersion, SnapshotRun


@admin.register(RulesVersion)
class RulesVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "created_by", "comment"]
    readonly_fields = ["number", "rules", "created_at", "created_by"]


@admin.register(SnapshotRun)
class SnapshotRunAdmin(admin.ModelAdmin):
    list_display = ["as_of", "kind", "rules_version", "created_at", "duration_ms"]
    list_filter = ["kind"]
    readonly_fields = ["as_of", "kind", "rules_version", "rules", "created_at", "duration_ms"]
