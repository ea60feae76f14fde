"""The rich-text field of the site's forms."""

from django import forms


class RichTextarea(forms.Textarea):
    """A textarea that commons/static/commons/editor.js turns into the rich-text editor
    (django-prose-editor's bundle); without JavaScript it stays a plain textarea, whose text
    commons.html.user_text_to_html makes into paragraphs. The site's form field template reads
    `rich` and `mentions_url` (a members endpoint: typing @ then offers them)."""

    rich = True

    def __init__(self, attrs=None, *, mentions_url=""):
        super().__init__(attrs)
        self.mentions_url = mentions_url
