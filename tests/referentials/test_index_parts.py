from dentelle.referentials.index_parts import IndexPart


class FakeIndex:
    codes = IndexPart("cpv", 0)
    children = IndexPart("cpv", 1)
    communes = IndexPart("communes")

    def __init__(self):
        self.built = []

    def _part(self, name):
        self.built.append(name)
        return ({"77310000": "Espaces verts"}, {"77300000": ["77310000"]}) if name == "cpv" else ["93001"]


def test_an_index_part_is_read_whole_or_by_item_through_the_index():
    index = FakeIndex()
    assert index.communes == ["93001"]
    assert index.codes == {"77310000": "Espaces verts"}
    assert index.children == {"77300000": ["77310000"]}
    assert index.built == ["communes", "cpv", "cpv"]  # each read asks the index (it caches the build)


def test_on_the_class_an_index_part_is_its_descriptor():
    assert isinstance(FakeIndex.codes, IndexPart)
    assert (FakeIndex.children.name, FakeIndex.children.item) == ("cpv", 1)
