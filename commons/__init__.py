"""Small shared building blocks with no models and no dependency on the platform's apps:
HTML sanitising (every piece of user HTML goes through commons.html.sanitize_html) and
upload validation by content (commons.uploads)."""
