"""Where a question left unanswered during a café-cité continues, without cafes_cites/ importing
the app that hosts discussions (the same pattern as themes.registry and cites.registry): that app
registers, in its ready(), a function (actor, title, body_html) -> URL of the new discussion,
which applies its own permissions and raises ValidationError with a French message. Without
one, questions cannot be promoted and the button is not shown."""

_destination = None


def register_question_destination(open_discussion):
    global _destination
    _destination = open_discussion
    return open_discussion


def question_destination():
    return _destination
