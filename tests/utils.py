import html


def page_text(response):
    """Response body with HTML entities decoded, for readable assertions on French text."""
    return html.unescape(response.content.decode())
