from django.contrib import admin

from carteira.goals.models import Goal

for model in (Goal,):
    admin.site.register(model)
