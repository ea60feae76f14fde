"""Wagtail's rich-text editor (Draftail) named by its field's label, for every admin form
(settings WAGTAILADMIN_RICH_TEXT_EDITORS)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.admin.rich_text import DraftailRichTextArea


class LabelledDraftailRichTextArea(DraftailRichTextArea):
    """Draftail's editable area (role="textbox") carries no name: the admin's <label for> points
    at the hidden input that holds the JSON, so screen readers announce an unnamed text box (axe:
    aria-input-field-name, serious). Draftail takes `ariaLabelledBy` among its options, and the
    admin's label has the id "<field id>-label". StreamField blocks build their editors in the
    browser (telepath, without get_context) and keep Wagtail's own options."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        field_id = widget_attrs.get("id")
        if field_id:
            options = {**self.options, "ariaLabelledBy": f"{field_id}-label"}
            widget_attrs["data-w-init-detail-value"] = json.dumps(options, cls=DjangoJSONEncoder)
        return context
