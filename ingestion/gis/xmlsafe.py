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
from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

from ingestion.gis.events import GisParseError


@dataclass(slots=True)
class Node:
    ns: str
    name: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    _text: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self._text).strip()

    def child(self, name: str, ns: str | None = None) -> Node | None:
        for c in self.children:
            if c.name == name and (ns is None or c.ns == ns):
                return c
        return None

    def children_named(self, name: str, ns: str | None = None) -> list[Node]:
        return [c for c in self.children if c.name == name and (ns is None or c.ns == ns)]

    def path(self, *names: str) -> Node | None:
        """Follow child local names, e.g. node.path("Header", "NUMBER")."""
        node: Node | None = self
        for name in names:
            if node is None:
                return None
            node = node.child(name)
        return node

    def text_at(self, *names: str) -> str | None:
        node = self.path(*names)
        if node is None:
            return None
        return node.text or None

    def iter(self, name: str) -> Iterator[Node]:
        """All descendants (and self) with this local name, document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            if node.name == name:
                yield node
            stack.extend(reversed(node.children))


def _forbid(what: str) -> NoReturn:
    raise GisParseError(f"xml: {what} is forbidden")


def parse_xml(data: bytes) -> Node:
    """Parse untrusted bytes into a Node tree or raise GisParseError with the reason."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = lambda *_: _forbid("DOCTYPE")
    parser.EntityDeclHandler = lambda *_: _forbid("ENTITY declaration")
    parser.UnparsedEntityDeclHandler = lambda *_: _forbid("ENTITY declaration")
    parser.ExternalEntityRefHandler = lambda *_: _forbid("external entity")
    parser.buffer_text = True

    root: list[Node] = []
    stack: list[Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        ns, _, name = tag.rpartition(" ")
        node = Node(ns, name, attrs, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def chars(text: str) -> None:
        if stack:
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
    if not root:
        raise GisParseError("xml: no root element")
    return root[0]
