"""What groups/ contributes to search/: groups, discussions and documents, each with the
audience groups.permissions gives it (members only for discussions and documents)."""

from django.db.models import OuterRef, Prefetch, Subquery

from groups.models import Document, DocumentVersion, Group, Post, Thread
from groups.permissions import content_audience, group_audience, viewable_group_ids
from search import documents, registry
from search.registry import SearchEntry, SearchProvider
from search.text import html_text

VISIBLE_POSTS = Post.objects.filter(hidden_at__isnull=True, deleted_at__isnull=True).order_by(
    "created_at"
)


class GroupsProvider(SearchProvider):
    def audience_for(self, user):
        return {f"group:{pk}" for pk in viewable_group_ids(user)}


def _region(group):
    return group.cite.region if group.cite_id else "national"


def _tagged_like(group, audience, **fields):
    """An entry carrying its group's champs d'action, region and cité."""
    return SearchEntry(
        themes=[t.slug for t in group.themes.all()],
        region=_region(group),
        cite=group.cite.slug if group.cite_id else "",
        audience=audience,
        **fields,
    )


def _content_entry(group, **fields):
    """An entry for a discussion or a document: members only."""
    return _tagged_like(group, content_audience(group), **fields)


@registry.register
class GroupProvider(GroupsProvider):
    model = Group
    kinds = {"groupe": "Groupe"}

    def load(self, pks):
        return Group.objects.filter(pk__in=pks).select_related("cite").prefetch_related("themes")

    def entries(self, group):
        return [
            _tagged_like(
                group,
                group_audience(group),
                key=f"groupe:{group.pk}",
                kind="groupe",
                title=group.name,
                slug=group.slug,
                url=group.get_absolute_url(),
                summary=group.description,
                date=group.created_at.date(),
                extra={"group": group.slug},
            )
        ]


@registry.register
class ThreadProvider(GroupsProvider):
    model = Thread
    kinds = {"discussion": "Discussion"}
    documents = {"discussion": documents.GroupContentDocument}

    def watched(self):
        return [(Post, lambda post: [post.thread_id])]

    def load(self, pks):
        return (
            Thread.objects.filter(pk__in=pks)
            .select_related("group__cite")
            .prefetch_related("group__themes", Prefetch("posts", queryset=VISIBLE_POSTS))
        )

    def entries(self, thread):
        group = thread.group
        # Prefetched by load(): one query per batch, not one per thread.
        posts = [(post.body_html, post.is_opening) for post in thread.posts.all()]
        opening = next((html_text(body) for body, is_opening in posts if is_opening), "")
        replies = " ".join(html_text(body) for body, is_opening in posts if not is_opening)
        return [
            _content_entry(
                group,
                key=f"discussion:{thread.pk}",
                kind="discussion",
                title=thread.title,
                slug=str(thread.pk),
                url=thread.get_absolute_url(),
                summary=opening,
                body=f"{replies} {group.name}",
                date=thread.last_activity_at.date(),
                extra={"group": group.slug},
            )
        ]


@registry.register
class DocumentProvider(GroupsProvider):
    model = Document
    kinds = {"document": "Document"}
    documents = {"document": documents.GroupContentDocument}

    def watched(self):
        return [(DocumentVersion, lambda version: [version.document_id])]

    def load(self, pks):
        # The text of the latest version only (older versions' texts stay in the database).
        latest_text = (
            DocumentVersion.objects.filter(document=OuterRef("pk"))
            .order_by("-number")
            .values("text")[:1]
        )
        return (
            Document.objects.filter(pk__in=pks)
            .select_related("group__cite")
            .annotate(latest_text=Subquery(latest_text))
            .prefetch_related(
                "group__themes",
                Prefetch("versions", queryset=DocumentVersion.objects.defer("text")),
            )
        )

    def entries(self, document):
        group = document.group
        versions = sorted(document.versions.all(), key=lambda v: v.number)
        details = " ".join(f"{v.original_name} {v.comment}" for v in versions)
        latest = versions[-1] if versions else None
        summary = f"Dossier « {document.folder} »" if document.folder else ""
        if latest and latest.comment:
            summary = f"{summary} — {latest.comment}" if summary else latest.comment
        return [
            _content_entry(
                group,
                key=f"document:{document.pk}",
                kind="document",
                title=document.title,
                slug=str(document.pk),
                url=document.get_absolute_url(),
                summary=summary,
                # The file's text last: highlighted snippets come from it when only it matches.
                body=f"{details} {group.name}\n{document.latest_text or ''}",
                date=document.updated_at.date(),
                extra={"group": group.slug, "folder": document.folder},
            )
        ]
