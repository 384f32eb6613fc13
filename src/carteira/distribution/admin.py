from django.contrib import admin

from carteira.distribution.models import Cover, PortfolioRule, Proposal

admin.site.register(PortfolioRule)
admin.site.register(Proposal)
admin.site.register(Cover)
