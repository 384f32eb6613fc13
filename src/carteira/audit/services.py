from carteira.audit.models import AuditEvent


def do_record(action: str, *, actor=None, obj=None, ip: str | None = None, **details) -> None:
    """Append an audit event. ``details`` must hold ids and counts, never personal values."""
    AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip=ip,
        details=details,
    )
