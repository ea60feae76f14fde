"""What audit/ keeps about an account: exported and erased by the app (accounts.personal_data,
run by rgpd/)."""


def export(user, out):
    from audit.models import AuditEntry

    return [
        {
            "action": e.get_action_display(),
            "cible": e.target_label,
            "le": e.created_at,
            "details": e.details,
        }
        for e in AuditEntry.objects.filter(actor=user).iterator(chunk_size=500)
    ]
