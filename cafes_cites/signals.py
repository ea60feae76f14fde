def session_saved(sender, instance, created, **kwargs):
    """Moves and cancellations reach registrants by e-mail, whoever saved the session (the
    Wagtail admin, services.move_session, services.cancel_session)."""
    if not created and getattr(instance, "_calendar_change", None):
        from cafes_cites.services import schedule_session_change

        schedule_session_change(instance)
