"""Natural keys found once per fixture load, not once per mention.

``loaddata`` looks up every natural key it reads: each object's own, and each foreign key and
many-to-many item it names. Loading fixtures/imported.json asks for the same few hundred
countries, technologies, vendors and sources about 17,000 times, half of the load's queries.
Inside ``remembered()`` each manager's ``get_by_natural_key`` (decorated with
``remembered_while_loading``) answers a key it has already found from memory.

That holds while a load runs: loaddata creates and updates rows but never deletes one nor
changes a natural key (the key is how it finds the row). A key not found is not remembered, so a
row the load creates later is found then. Outside the block nothing is remembered.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

_found = ContextVar("natural_keys_found", default=None)


@contextmanager
def remembered():
    """Remember each object found by its natural key until the block ends (one load)."""
    token = _found.set({})
    try:
        yield
    finally:
        _found.reset(token)


def remembered_while_loading(get_by_natural_key):
    @functools.wraps(get_by_natural_key)
    def lookup(manager, *key):
        found = _found.get()
        if found is None:
            return get_by_natural_key(manager, *key)
        where = (manager.model, manager.db, key)
        if where not in found:
            found[where] = get_by_natural_key(manager, *key)
        return found[where]

    return lookup
