#
def add(items=[]):
    """Doc."""
    return items
