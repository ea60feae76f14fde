"""What each app keeps about an account, exported and erased by the app itself: rgpd/
sits above every app and must not reach into their tables, so each app registers its provider
here, in its AppConfig.ready() (accounts/ is below every app that holds personal data; the same
inversion as themes.registry). rgpd.services.erase_account calls them inside its transaction."""

_erasers = {}


def register_eraser(name, erase, order=100):
    """`erase(user, old_email, new_email, files)`: delete or detach what the app holds about
    `user`, whose address `old_email` becomes `new_email`; append (storage, name) pairs of files
    to delete after commit to `files`. A higher `order` runs later (notifications/ last: the
    others may notify while they erase)."""
    _erasers[name] = (order, erase)
    return erase


def erasers():
    """(name, erase) by `order`, then registration order."""
    ordered = sorted(_erasers.items(), key=lambda item: item[1][0])
    return [(name, erase) for name, (_order, erase) in ordered]


_exporters = []  # (order, filename, export): several apps may give sections of one file


def register_exporter(filename, export, order=100):
    """`export(user, out)` -> JSON-serialisable data, written as `filename` in the « Mes données »
    archive (rgpd.export); `out.copy_file(field_file, arcname)` copies a stored file into the
    archive and returns its path there (None when the file is missing)."""
    if (order, filename, export) not in _exporters:
        _exporters.append((order, filename, export))
    return export


def exporters():
    """(filename, export) by `order`, then registration order."""
    ordered = sorted(_exporters, key=lambda item: item[0])
    return [(filename, export) for _order, filename, export in ordered]
