"""A small, hostile-input-proof XML reader on the standard library's expat.

Neither defusedxml nor lxml is installed, so this does what defusedxml does, stricter: any
DOCTYPE is refused outright (the exchange formats never carry one), which rules out entity
expansion (billion laughs), external entities (XXE, file:// or http:// fetches) and DTD
retrieval before expat reads a single declaration. Parameter-entity parsing is off as well.

Encodings come from the XML prolog: expat decodes UTF-8/UTF-16 itself and single-byte
encodings such as windows-1251 through Python's codecs. Bytes that do not match the declared
(or, without a declaration, UTF-8) encoding fail as "not well-formed" and the file is
quarantined.

The tree is a minimal one (namespace URI, local name, attributes, text, children, line) so the
parsers can report `source_line` per event, which ElementTree cannot.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, NoReturn
from xml.parsers import expat

from ingestion.gis.events import GisParseError


class Node:
    """One element: namespace URI, local name, attributes, source line, children and text.

    While parsing, nodes are made by `parse_xml`'s start handler without calling `__init__`
    (slot stores are ~5% of a parse cheaper); keep the two in step."""

    __slots__ = ("ns", "name", "attrs", "line", "children", "_text")

    def __init__(self, ns: str, name: str, attrs: dict[str, str], line: int) -> None:
        self.ns = ns
        self.name = name
        self.attrs = attrs
        self.line = line
        self.children: list[Node] = []
        self._text: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self._text).strip()

    def child(self, name: str, ns: str | None = None) -> Node | None:
        if ns is not None:
            return next((c for c in self.children if c.name == name and c.ns == ns), None)
        for c in self.children:  # the common case, without the generator
            if c.name == name:
                return c
        return None

    def children_named(self, name: str, ns: str | None = None) -> list[Node]:
        return [c for c in self.children if c.name == name and (ns is None or c.ns == ns)]

    def path(self, *names: str) -> Node | None:
        """Follow child local names, e.g. node.path("Header", "NUMBER")."""
        node = self
        for name in names:
            for c in node.children:
                if c.name == name:
                    node = c
                    break
            else:
                return None
        return node

    def text_at(self, *names: str) -> str | None:
        # path() inlined: the parsers' most frequent call, ~5% of a parse as a call.
        node = self
        for name in names:
            for c in node.children:
                if c.name == name:
                    node = c
                    break
            else:
                return None
        return "".join(node._text).strip() or None

    def subtree(self) -> list[Node]:
        """This node and all its descendants, in document order."""
        nodes = [self]
        add = nodes.append
        # A stack of half-consumed children iterators: leaves, most nodes, cost one append.
        pending: list[Iterator[Node]] = []
        siblings = iter(self.children)
        while True:
            for node in siblings:
                add(node)
                if node.children:
                    pending.append(siblings)
                    siblings = iter(node.children)
                    break
            else:
                if not pending:
                    return nodes
                siblings = pending.pop()


def _forbid(what: str) -> NoReturn:
    raise GisParseError(f"xml: {what} is forbidden")


def _forbid_doctype(*_: object) -> NoReturn:
    _forbid("DOCTYPE")


def _forbid_entity_decl(*_: object) -> NoReturn:
    _forbid("ENTITY declaration")


def _forbid_external_entity(*_: object) -> NoReturn:
    _forbid("external entity")


# expat tag "uri local" -> (uri, local). Tags repeat across files, so this saves a split per
# element; cleared when full so hostile files with endless distinct names cannot grow it.
_SPLIT_CACHE: Final[dict[str, tuple[str, str]]] = {}
_SPLIT_CACHE_SIZE: Final = 4096


def parse_xml(data: bytes) -> Node:
    """Parse untrusted bytes into a Node tree or raise GisParseError with the reason."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid_doctype
    parser.EntityDeclHandler = _forbid_entity_decl
    parser.UnparsedEntityDeclHandler = _forbid_entity_decl
    parser.ExternalEntityRefHandler = _forbid_external_entity
    parser.buffer_text = True

    # The document element becomes the only child of this holder, so the handlers need no
    # "is there a parent" branch.
    holder = Node("", "", {}, 0)
    stack = [holder]
    push = stack.append
    pop = stack.pop
    split = _SPLIT_CACHE
    cached = split.get
    new = object.__new__

    def start(tag: str, attrs: dict[str, str]) -> None:
        pair = cached(tag)  # not try/except: a KeyError per miss is dear on unique names
        if pair is None:
            if len(split) >= _SPLIT_CACHE_SIZE:
                split.clear()
            ns, _, name = tag.rpartition(" ")
            split[tag] = (ns, name)
        else:
            ns, name = pair
        # Slot stores instead of Node(...) skip the Python-level __init__ call (~5% of a parse).
        node = new(Node)
        node.ns = ns
        node.name = name
        node.attrs = attrs
        node.line = parser.CurrentLineNumber
        node.children = []
        node._text = []
        stack[-1].children.append(node)
        push(node)

    def end(_tag: str) -> None:
        pop()

    def chars(text: str) -> None:
        stack[-1]._text.append(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        message = expat.errors.messages.get(error.code, str(error))
        if "encoding" in message or error.code == expat.errors.codes.get(
            expat.errors.XML_ERROR_INVALID_TOKEN
        ):
            # Undecodable bytes surface as "invalid token"; say so, it is usually the encoding.
            raise GisParseError(
                f"xml/encoding: {message} at line {error.lineno}, column {error.offset}"
            ) from None
        raise GisParseError(
            f"xml: {message} at line {error.lineno}, column {error.offset}"
        ) from None
    except (UnicodeError, LookupError) as error:
        raise GisParseError(f"xml/encoding: {error}") from None
    finally:
        # start() reads the parser and the parser holds start(): breaking that cycle lets
        # reference counting free the parser and the tree as soon as the caller is done,
        # instead of leaving every parse to the cyclic GC.
        parser.StartElementHandler = None
    if not holder.children:
        raise GisParseError("xml: no root element")
    return holder.children[0]
