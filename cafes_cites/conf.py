"""Settings of cafes_cites/ and their defaults (commons.conf.apply_defaults, in ready())."""

DEFAULTS = {
    "CAFES_CITES_CHAT_OPENS_BEFORE": 15,  # minutes before the start
    "CAFES_CITES_CHAT_CLOSES_AFTER": 30,  # minutes after the end
    "CAFES_CITES_CHAT_REQUIRES_REGISTRATION": True,
    "CAFES_CITES_CHAT_MAX_LENGTH": 1000,  # characters per message
    "CAFES_CITES_CHAT_RATE": (5, 10),  # at most 5 messages per 10 seconds and per user
    "CAFES_CITES_CHAT_HISTORY": 50,  # messages sent on a fresh connection
    "CAFES_CITES_CHAT_RESUME_MAX": 1000,  # messages replayed on a reconnection with after=
    "CAFES_CITES_CHAT_AUTH_RECHECK": 30,  # seconds between session re-checks of an idle socket
    # Seconds between heartbeats of a chat server process; its sockets' presence stops counting
    # after two missed heartbeats and a half (a killed process), and its rows are then deleted.
    "CAFES_CITES_PRESENCE_HEARTBEAT": 15.0,
    "CAFES_CITES_PRESENCE_DEBOUNCE": 2,  # seconds; one presence broadcast per room per period
    # Seconds between probes of the channel layer by each chat server process; while the layer
    # is down the rooms read new messages from the database at each probe. A layer that accepts
    # publishes but echoes nothing for CAFES_CITES_LAYER_SILENCE seconds is taken as down too.
    "CAFES_CITES_LAYER_PROBE": 1.0,
    "CAFES_CITES_LAYER_SILENCE": 10.0,
    "CAFES_CITES_VIDEO_LINK_BEFORE": 15,  # minutes before the start when registrants see the link
    # The calendar invitation's organiser: the national animation team's mailbox, so that a
    # reply or a "decline" from a calendar reaches people. Empty: DEFAULT_FROM_EMAIL.
    "CAFES_CITES_ORGANIZER_EMAIL": "",
    "CAFES_CITES_ORGANIZER_NAME": "Équipe d'animation des cités de l'emploi (ANCT)",
}
