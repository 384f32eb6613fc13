"""Append-only at the database level on SQLite too (0002 did it for PostgreSQL): no
UPDATE or DELETE of an audit row, except clearing actor_id when a user is deleted
(ON DELETE SET NULL done by Django) and a deliberate wipe (``carteira.audit.wipe``:
a flush or a demo reset, which PostgreSQL does with TRUNCATE)."""

from django.db import migrations

SAME_EXCEPT_ACTOR = (
    "NEW.actor_id IS NULL AND NEW.id IS OLD.id AND NEW.at IS OLD.at"
    " AND NEW.action IS OLD.action AND NEW.object_type IS OLD.object_type"
    " AND NEW.object_id IS OLD.object_id AND NEW.ip IS OLD.ip AND NEW.details IS OLD.details"
)
CREATE = [
    f"""CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    FOR EACH ROW WHEN NOT ({SAME_EXCEPT_ACTOR})
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    FOR EACH ROW WHEN NOT carteira_audit_wipe()
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END""",
]
DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(create, drop)]
