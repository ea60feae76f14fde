"""The content of the e-mails about a message (notifications' provider for "post:<id>")."""

import re

from django.utils.text import Truncator

from commons.urls import site_url
from groups import permissions
from groups.models import Post
from groups.replies import reply_address
from groups.services import post_attachment_links
from notifications.content import Attachment, ContextItem, EmailContent, html_to_text

CONTEXT_POSTS = 3
_RELATIVE_HREF = re.compile(r'href="/(?!/)')


def absolute_links(html):
    """Links inside a message are site-relative (mentions, documents): absolute in an e-mail."""
    return _RELATIVE_HREF.sub(f'href="{site_url()}/', html)


def _author(post):
    return post.author.display_name if post.author else "Compte supprimé"


def _attachments(post):
    """The post's attachments as links (downloads still check the reader's rights)."""
    return [
        Attachment(name=link["name"], url=link["url"], size=link["size"])
        for link in post_attachment_links(post)
    ]


def post_email_content(notification, user):
    """The message itself, the thread's previous messages in short, the attachments, and the
    recipient's own Reply-To. None when the recipient may no longer read it."""
    post_id = notification.target_key.split(":", 1)[1]
    post = (
        Post.objects.select_related("thread", "thread__group", "author").filter(pk=post_id).first()
    )
    if post is None or not post.is_visible:
        return None
    thread, group = post.thread, post.thread.group
    if not permissions.can_view_group(user, group):
        return None
    earlier = (
        thread.posts.filter(hidden_at=None, deleted_at=None, created_at__lte=post.created_at)
        .exclude(pk=post.pk)
        .select_related("author")
        .order_by("-created_at", "-pk")[:CONTEXT_POSTS]
    )
    context = [
        ContextItem(
            author=_author(p),
            at=p.created_at,
            text=Truncator(" ".join(html_to_text(p.body_html).split())).chars(200),
        )
        for p in reversed(earlier)
    ]
    return EmailContent(
        html=absolute_links(post.body_html),
        author=_author(post),
        at=post.created_at,
        # The group is the notification's source, printed above the title: not again here.
        heading=thread.title,
        context=context,
        attachments=_attachments(post),
        reply_to=reply_address(user, thread) if permissions.can_post(user, group) else "",
    )
