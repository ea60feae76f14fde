"""Settings of espace/ and their defaults (commons.conf.apply_defaults, in ready())."""

DEFAULTS = {
    "INBOUND_EMAIL_MAX_BYTES": 10 * 1024 * 1024,
    # Per sender address: at most INBOUND_EMAIL_RATE_COUNT messages within
    # INBOUND_EMAIL_RATE_SECONDS.
    "INBOUND_EMAIL_RATE_COUNT": 20,
    "INBOUND_EMAIL_RATE_SECONDS": 3600,
    # The record of each e-mail received (sender, subject, outcome) serves the duplicate check
    # (same Message-ID) and the rate limit; it is personal data, deleted after this many days
    # by manage.py apply_retention (0: kept).
    "INBOUND_EMAIL_RETENTION_DAYS": 90,
    "IMAP_HOST": "",
    "IMAP_PORT": 993,
    "IMAP_USER": "",
    "IMAP_PASSWORD": "",
    "IMAP_MAILBOX": "INBOX",
    "IMAP_USE_SSL": True,
    "IMAP_DELETE_AFTER": False,
}
