"""Where a group document can be proposed for the national library, without groups/ importing
the app that hosts the library (the same pattern as cafes_cites.registry): the host registers,
in its ready(), a function

    propose(user, *, source_key, source_label, source_url, title, description, themes, filename,
            open_file) -> object

that creates the proposal and raises ValidationError with a French message when it refuses
(the same version already proposed, an empty description). `open_file()` is a context manager
giving the version's bytes. Without one, the "Proposer à la bibliothèque" button is not shown
and its address answers 404."""

_destination = None


def register_library_destination(propose):
    global _destination
    _destination = propose
    return propose


def library_destination():
    return _destination
