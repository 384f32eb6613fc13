from django.contrib import admin

from carteira.organization.models import Seller, Team, WorkspaceSettings


@admin.register(WorkspaceSettings)
class WorkspaceSettingsAdmin(admin.ModelAdmin):
    list_display = ["company_name", "currency", "contact_retention_days"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager", "region"]
    search_fields = ["name"]


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["external_id", "name", "team", "user", "active", "weekly_capacity"]
    list_filter = ["team", "active"]
    search_fields = ["external_id", "name", "email"]
    raw_id_fields = ["user", "manager"]
