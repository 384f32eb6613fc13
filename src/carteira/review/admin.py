from django.contrib import admin

from carteira.review.models import Decision

admin.site.register(Decision)
