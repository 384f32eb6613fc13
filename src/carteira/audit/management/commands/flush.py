"""Django's ``flush``, allowed to empty the append-only audit table on SQLite.

A flush is a deliberate reset, as TRUNCATE is on PostgreSQL (which row triggers do not
see); test databases are flushed this way between transactional tests.
"""

from django.core.management.commands import flush

from carteira.audit.wipe import audit_wipe


class Command(flush.Command):
    def handle(self, **options):
        with audit_wipe():
            return super().handle(**options)
