#
def f(b=[]):
    return b
