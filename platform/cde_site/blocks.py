"""StreamField blocks shared by the host site's pages (defined once, reused: see README)."""

from wagtail import blocks

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="titre", required=False)
    text = blocks.TextBlock(label="texte")

    class Meta:
        icon = "info-circle"
        label = "mise en avant"
        template = "cde_site/blocks/callout.html"


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label="chiffre")
    label = blocks.CharBlock(label="légende")


class KeyFiguresBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="titre", required=False)
    figures = blocks.ListBlock(KeyFigureBlock(), label="chiffres clés")

    class Meta:
        icon = "table"
        label = "chiffres clés"
        template = "cde_site/blocks/key_figures.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label="texte")
    callout = CalloutBlock()
    key_figures = KeyFiguresBlock()
