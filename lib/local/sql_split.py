"""Split a migration into statements exactly as the Supabase CLI does (its `parser.SplitAndTrim`).

`supabase db push` stores these statements in supabase_migrations.schema_migrations.statements and
runs them one by one; `python -m lib migrate` must record the same array so either tool's history
reads the same (`supabase migration fetch` rebuilds files from it). This is a line-for-line port
of the CLI's tokenizer state machine, quirks included: supabase/cli pkg/parser/state.go and
token.go (commit 13d2571572a0368d2f500a4a19808b116094ead7), with its tests in
tests/test_migrate_bookkeeping.py.
"""

from __future__ import annotations

from typing import Protocol

# The CLI omits BEGIN so any whitespace may separate BEGIN and ATOMIC (state.go).
_BEGIN_ATOMIC = "ATOMIC"
_END_ATOMIC = "END"


class _Token:
    """The text of the statement being scanned: `text[start:end]` is the CLI's `data`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.start = 0
        self.end = 0

    def __len__(self) -> int:
        return self.end - self.start

    def tail(self, width: int) -> str:
        return self.text[max(self.start, self.end - width) : self.end]

    def char_before_tail(self, width: int) -> str:
        return self.text[self.end - width - 1]


class _State(Protocol):
    def next(self, char: str, data: _Token) -> _State | None: ...


class _Ready:
    def next(self, char: str, data: _Token) -> _State | None:
        if char == "$":
            return _Tag(offset=data.end - 1)
        if char in "'\"":
            return _Quote(char)
        if char == "-":
            return _Comment()
        if char == "/":
            return _Block()
        if char == "\\":
            return _Escape()
        if char == ";":
            return None  # emit the statement
        if char == "(":
            return _Atomic(self, ")")
        if char in "cC":
            offset = len(data) - len(_BEGIN_ATOMIC)
            if (
                offset > 0
                and data.tail(len(_BEGIN_ATOMIC)).upper() == _BEGIN_ATOMIC
                and data.char_before_tail(len(_BEGIN_ATOMIC)).isspace()
            ):
                return _Atomic(self, _END_ATOMIC)
        return self


class _Comment:
    """Saw `-`: a second one opens a line comment, anything else is ordinary text."""

    def next(self, char: str, data: _Token) -> _State | None:
        if char == "-":
            return _Dollar("\n")  # nothing is escaped in a comment, as in a dollar quote
        return _Ready().next(char, data)


class _Block:
    """Saw `/`: `/*` opens a (nestable) block comment."""

    def __init__(self) -> None:
        self.depth = 0

    def next(self, char: str, data: _Token) -> _State | None:
        window = data.tail(2)
        if window == "/*":
            self.depth += 1
            return self
        if self.depth == 0:
            return _Ready().next(char, data)
        if window == "*/":
            self.depth -= 1
            if self.depth == 0:
                return _Ready()
        return self


class _Quote:
    """Inside '…' or "…"; a doubled delimiter stays inside."""

    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter
        self.escape = False

    def next(self, char: str, data: _Token) -> _State | None:
        if self.escape:
            if char == self.delimiter:
                self.escape = False
                return self
            return _Ready().next(char, data)
        if char == self.delimiter:
            self.escape = True
        return self


class _Dollar:
    """Inside a dollar quote (or a line comment, closed by a newline): nothing is escaped."""

    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter

    def next(self, char: str, data: _Token) -> _State | None:
        if data.tail(len(self.delimiter)) == self.delimiter:
            return _Ready()
        return self


class _Tag:
    """Saw `$` at `offset`: letters, digits and _ up to the next `$` make a dollar-quote tag."""

    def __init__(self, offset: int) -> None:
        self.offset = offset

    def next(self, char: str, data: _Token) -> _State | None:
        if char == "$":
            return _Dollar(data.text[self.offset : data.end])
        if char.isalpha() or char.isdigit() or char == "_":
            return self
        return _Ready().next(char, data)


class _Escape:
    """Saw a backslash: the next character is taken as it is."""

    def next(self, char: str, data: _Token) -> _State | None:
        return _Ready()


class _Atomic:
    """Inside `( … )` or `BEGIN ATOMIC … END`: a `;` there does not end the statement."""

    def __init__(self, prev: _State, delimiter: str) -> None:
        self.prev = prev
        self.delimiter = delimiter

    def next(self, char: str, data: _Token) -> _State | None:
        current = self.prev.next(char, data)
        if current is not None:
            self.prev = current
        closing = data.tail(len(self.delimiter)).upper() == self.delimiter.upper()
        if isinstance(self.prev, _Ready) and closing:
            return _Ready()
        return self


def split(sql: str) -> list[str]:
    """Statements as written (comments and whitespace kept), each with its `;`; no empty ones."""
    tokens: list[str] = []
    data = _Token(sql)
    state: _State = _Ready()
    for index, char in enumerate(sql):
        data.end = index + 1
        following = state.next(char, data)
        if following is None:
            tokens.append(sql[data.start : data.end])
            data.start = data.end
            state = _Ready()
        else:
            state = following
    if data.start < len(sql):
        tokens.append(sql[data.start :])
    return [token for token in tokens if token]


def split_and_trim(sql: str) -> list[str]:
    """The CLI's SplitAndTrim: trailing `;` and surrounding whitespace removed; no empty ones."""
    statements = (token.rstrip(";").strip() for token in split(sql))
    return [statement for statement in statements if statement]
