"""Where a group document can be proposed for the national library, without groups/ importing
the app that hosts the library (the same pattern as cafes_cites.registry): the host registers,
in its ready(), a function

    propose(user, *, source_key, source_label, source_url, title, description, themes, filename,
            open_file) -> object

that creates the proposal and raises ValidationError with a French message when it refuses
(the same version already proposed, an empty description). `open_file()` is a context manager
giving the version's bytes. Without one, the "Proposer à la bibliothèque" button is not shown
and its address answers 404. `describe(source_key)` (optional) answers a French sentence about
an earlier proposal of that exact source, or "" — shown on the document's page. `kinds`
(optional) lists what the document may become, as (value, label, hint): the proposer picks one
and `propose` receives it as `kind=`; without kinds, `propose` is called without `kind`."""

_destination = None
_describe = None
_kinds = ()


def register_library_destination(propose, describe=None, kinds=()):
    global _destination, _describe, _kinds
    _destination = propose
    _describe = describe
    _kinds = tuple(kinds)
    return propose


def library_kinds():
    return _kinds


def library_destination():
    return _destination


def library_status(source_key):
    return _describe(source_key) if _describe else ""
