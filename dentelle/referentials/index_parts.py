"""The attributes of the referentials index that read one of its lazily built parts (index.py)."""


class IndexPart:
    """``ReferentialIndex._part(name)`` read as an attribute, built on first use; ``item``: one element of
    a part built as a tuple (``_children = IndexPart("cpv", 1)``: the second of the « cpv » part)."""

    def __init__(self, name, item=None):
        self.name, self.item = name, item

    def __get__(self, index, owner=None):
        if index is None:
            return self
        built = index._part(self.name)
        return built if self.item is None else built[self.item]
