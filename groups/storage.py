from commons.storage import private_storage as _private_storage


def private_storage():
    """Group documents: the platform's private storage (commons.storage). Kept under this name
    because the migrations refer to it."""
    return _private_storage()
