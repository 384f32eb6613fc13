from django.contrib import admin

from carteira.distribution.models import Cover, DistributionRule, Proposal

admin.site.register(DistributionRule)
admin.site.register(Proposal)
admin.site.register(Cover)
