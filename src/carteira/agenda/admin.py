from django.contrib import admin

from carteira.agenda.models import Task, TaskBatch


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "client", "seller", "due_date", "status", "origin"]
    list_filter = ["status", "origin"]
    raw_id_fields = ["client", "seller", "assignee_user", "outcome", "batch"]


admin.site.register(TaskBatch)
