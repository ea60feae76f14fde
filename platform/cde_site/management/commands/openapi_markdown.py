"""Render the OpenAPI description of the public endpoints as the Markdown of docs/api.md."""

from django.core.management.base import BaseCommand

from commons.api import openapi_document
from commons.urls import site_url


def _type(schema):
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "objet")
    if kind == "array":
        return f"liste de {_type(schema.get('items', {}))}"
    if "format" in schema:
        kind = f"{kind} ({schema['format']})"
    if schema.get("nullable"):
        kind += " ou null"
    return kind


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(document):
    lines = [
        "<!-- Généré par `manage.py openapi_markdown` depuis /api/schema/ : ne pas modifier à la main. -->",
        "",
    ]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            lines += [f"### `{method.upper()} {path}`", "", operation.get("summary", ""), ""]
            if operation.get("description"):
                lines += [operation["description"], ""]
            parameters = operation.get("parameters", [])
            if parameters:
                lines += [
                    "| Paramètre | Type | Valeurs | Description |",
                    "| --- | --- | --- | --- |",
                ]
                for parameter in parameters:
                    schema = parameter.get("schema", {})
                    values = ", ".join(f"`{v}`" for v in schema.get("enum", [])) or "—"
                    lines.append(
                        f"| `{parameter['name']}` | {_type(schema)} | {_cell(values)} | "
                        f"{_cell(parameter.get('description', ''))} |"
                    )
                lines.append("")
            codes = ", ".join(f"`{code}`" for code in operation.get("responses", {}))
            lines += [f"Réponses : {codes}.", ""]
    lines += ["### Objets", ""]
    for name, schema in document["components"]["schemas"].items():
        lines += [f"#### {name}", "", "| Champ | Type | Description |", "| --- | --- | --- |"]
        for field, sub in schema.get("properties", {}).items():
            lines.append(
                f"| `{field}` | {_cell(_type(sub))} | {_cell(sub.get('description', ''))} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


class Command(BaseCommand):
    help = "Affiche la description OpenAPI des API publiques en Markdown (docs/api.md)."

    def handle(self, *args, **options):
        self.stdout.write(render(openapi_document(site_url())), ending="")
