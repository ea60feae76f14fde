"""StreamField blocks of the library, defined once and reused by every page type."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]


def theme_choices():
    # Callable so the choices follow the database (labels are editable) without a migration.
    from themes.models import Theme

    return [(theme.slug, theme.short_label) for theme in Theme.objects.ordered()]


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label="chiffre")
    label = blocks.CharBlock(label="légende")

    class Meta:
        icon = "table"
        label = "chiffre clé"


class KeyFiguresBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="titre", required=False)
    figures = blocks.ListBlock(KeyFigureBlock(), label="chiffres clés")

    class Meta:
        icon = "table"
        label = "chiffres clés"
        template = "ressources/blocks/key_figures.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label="citation")
    author = blocks.CharBlock(label="auteur ou autrice", required=False)

    class Meta:
        icon = "openquote"
        label = "citation"
        template = "ressources/blocks/quote.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="image")
    alt = blocks.CharBlock(label="texte alternatif", required=False)
    caption = blocks.CharBlock(label="légende", required=False)

    class Meta:
        icon = "image"
        label = "image"
        template = "ressources/blocks/image.html"


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label="intitulé")
    url = blocks.URLBlock(label="adresse", required=False)
    page = blocks.PageChooserBlock(label="ou page du site", required=False)
    document = DocumentChooserBlock(label="ou document", required=False)

    class Meta:
        icon = "link"
        label = "lien"
        template = "ressources/blocks/link.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label="texte")
    key_figures = KeyFiguresBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    link = LinkBlock()


class LinksBlock(blocks.StreamBlock):
    link = LinkBlock()


class BulletinItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="titre")
    summary = blocks.TextBlock(label="résumé", required=False)
    page = blocks.PageChooserBlock(label="page de la bibliothèque", required=False)
    url = blocks.URLBlock(label="ou article externe", required=False)
    themes = blocks.MultipleChoiceBlock(
        choices=theme_choices, label="champs d'action", required=False
    )

    class Meta:
        icon = "doc-full"
        label = "brève"


class BulletinSectionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="titre de la rubrique")
    theme = blocks.ChoiceBlock(
        choices=theme_choices,
        required=False,
        label="champ d'action",
        help_text="Les abonnés qui ont choisi des champs d'action ne reçoivent que les rubriques "
        "de leurs champs. Vide : la rubrique suit les champs de ses brèves.",
    )
    items = blocks.ListBlock(BulletinItemBlock(), label="brèves")

    class Meta:
        icon = "list-ul"
        label = "rubrique"


class BulletinBlock(blocks.StreamBlock):
    section = BulletinSectionBlock()
