#
def add(items=[]):
    """Doc."""
    items.append(1)
