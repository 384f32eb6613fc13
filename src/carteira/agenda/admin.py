from django.contrib import admin

from carteira.agenda.models import (
    ClientContract,
    ClientVisitHours,
    CompanyDayOff,
    OfficeDay,
    Task,
    TaskBatch,
    TimeOff,
    WorkSchedule,
)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "client",
        "seller",
        "due_date",
        "scheduled_date",
        "pinned",
        "status",
        "origin",
    ]
    list_filter = ["status", "origin"]
    raw_id_fields = ["client", "seller", "assignee_user", "outcome", "batch"]


admin.site.register(TaskBatch)


@admin.register(WorkSchedule)
class WorkScheduleAdmin(admin.ModelAdmin):
    list_display = ["seller", "weekdays", "state", "daily_visits", "daily_calls", "planned_on"]
    readonly_fields = ["planned_on"]


@admin.register(CompanyDayOff)
class CompanyDayOffAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["seller", "start", "end", "reason"]
    list_filter = ["seller"]


@admin.register(OfficeDay)
class OfficeDayAdmin(admin.ModelAdmin):
    list_display = ["seller", "date"]
    list_filter = ["seller"]


@admin.register(ClientVisitHours)
class ClientVisitHoursAdmin(admin.ModelAdmin):
    list_display = ["client", "opens", "closes", "visit_minutes"]
    raw_id_fields = ["client"]
    search_fields = ["client__name", "client__external_id"]


@admin.register(ClientContract)
class ClientContractAdmin(admin.ModelAdmin):
    list_display = ["client", "name", "ends_on", "renewal_days"]
    raw_id_fields = ["client"]
    search_fields = ["client__name", "client__external_id", "name"]
    date_hierarchy = "ends_on"
