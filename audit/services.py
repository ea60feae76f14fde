"""Writing the audit log. Other apps call record_action() from their services."""

import contextvars

from audit.models import AuditEntry

# Set by audit.middleware.AuditContextMiddleware for the duration of an HTTP request.
current_ip = contextvars.ContextVar("audit_current_ip", default=None)


def actor_label(user):
    """How an actor is named in the log (an erased account is already anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "Système"
    return f"{user.display_name} <{user.email}>"


def record_action(actor, action, target=None, *, target_label=None, details=None, ip=None):
    """One audit entry. `target` is a model instance (its type, id and label are copied) or None;
    `target_label` overrides the label (never put an erased person's name there)."""
    target_type = target_id = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        if target_label is None:
            target_label = str(target)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=actor_label(user),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=(target_label or "")[:255],
        details=details or {},
        ip_address=ip or current_ip.get(),
    )
