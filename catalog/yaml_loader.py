"""A YAML loader for documents people upload (publiccode.yml): bounded before it costs recursion or memory.

PyYAML's SafeLoader composes nested collections recursively (600 nested `[` raise RecursionError), builds
an integer of any length (5,000 digits raise ValueError in int()), lets aliases multiply a small document
into a huge structure (str() of it exhausts memory), and raises ValueError for an impossible date such as
2020-13-45 (and for `!!int abc`). Each of those was a 500. BoundedLoader refuses them with the place in the
file, the first three as they are composed; an impossible date stays text, so that the key's own check
reports it.
"""

import yaml
from django.utils.translation import gettext as _

MAX_DEPTH = 20  # publiccode.yml needs 5 (maintenance.contacts[0].name)
MAX_NODES = 10_000  # values, counting those an alias repeats; a real document has a few hundred
MAX_SCALAR_CHARS = 20_000  # twice the longest text the standard allows (longDescription)
MAX_INTEGER_CHARS = 64


class YAMLLimitError(yaml.MarkedYAMLError):
    """A document over one of the limits, or a value its tag cannot hold; `message` is translated and
    `problem_mark` says where."""

    def __init__(self, message: str, mark) -> None:
        super().__init__(problem=message, problem_mark=mark)
        self.message = message


class BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._anchor_sizes: dict[str, int] = {}

    def _count(self, nodes: int, mark) -> None:
        self._nodes += nodes
        if self._nodes > MAX_NODES:
            raise YAMLLimitError(
                _("The document has more than %(max)d values (counting those aliases repeat).")
                % {"max": MAX_NODES},
                mark,
            )

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            self._count(self._anchor_sizes.get(event.anchor, 1), event.start_mark)
            return node
        if self._depth >= MAX_DEPTH:
            raise YAMLLimitError(
                _("The document nests more than %(max)d levels deep.") % {"max": MAX_DEPTH}, event.start_mark
            )
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_SCALAR_CHARS:
            raise YAMLLimitError(
                _("A value is longer than %(max)d characters.") % {"max": MAX_SCALAR_CHARS}, event.start_mark
            )
        before = self._nodes
        self._count(1, event.start_mark)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if event.anchor is not None:
            self._anchor_sizes[event.anchor] = self._nodes - before
        return node

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError) as exc:
            # A value its explicit tag cannot hold (`!!int abc`, `!!bool maybe`, an empty `!!float`): PyYAML
            # lets these escape.
            raise YAMLLimitError(
                _("This value cannot be read as %(tag)s.") % {"tag": node.tag.rsplit(":", 1)[-1]},
                node.start_mark,
            ) from exc

    def construct_yaml_int(self, node):
        if len(node.value) > MAX_INTEGER_CHARS:
            raise YAMLLimitError(
                _("A number is longer than %(max)d characters; put it in quotes if it is text.")
                % {"max": MAX_INTEGER_CHARS},
                node.start_mark,
            )
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)
BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", BoundedLoader.construct_yaml_timestamp)


def bounded_load(text: str):
    """The single YAML document in `text`, within the limits above; yaml.YAMLError otherwise."""
    loader = BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
