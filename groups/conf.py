"""Settings of groups/ and their defaults (commons.conf.apply_defaults, in ready())."""

DEFAULTS = {
    "GROUP_DOCUMENT_MAX_BYTES": 20 * 1024 * 1024,
    "GROUP_INVITATION_DAYS": 14,
    "GROUP_POST_MAX_LENGTH": 20000,
    "GROUP_POST_MAX_ATTACHMENTS": 10,  # files per discussion message, each up to the above
    # At most GROUP_POST_RATE_COUNT threads and replies per user within GROUP_POST_RATE_SECONDS;
    # beyond, a French error and nothing is stored.
    "GROUP_POST_RATE_COUNT": 10,
    "GROUP_POST_RATE_SECONDS": 300,
}
