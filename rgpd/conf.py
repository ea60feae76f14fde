"""Settings of rgpd/ and their defaults (commons.conf.apply_defaults, in ready()); 0 disables a
retention rule."""

DEFAULTS = {
    # An account nobody logged into for this many days is anonymised, after a warning e-mail
    # sent RGPD_INACTIVE_WARNING_DAYS before.
    "RGPD_INACTIVE_ACCOUNT_DAYS": 1095,
    "RGPD_INACTIVE_WARNING_DAYS": 30,
    # Café-cité chat messages are deleted this many days after the end of their session.
    "RGPD_CHAT_RETENTION_DAYS": 365,
    # Entries of the moderation and administration audit log are deleted after this many days.
    "RGPD_AUDIT_RETENTION_DAYS": 365,
    "RGPD_BATCH_SIZE": 200,
}
