"""Why a flagged statement was left as it is: one message per kind, details apart.

The summary groups by ``message``; ``detail`` says which column, variable or
expression it was about. Messages are stable: tests and users match on them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Refusal:
    """The codemod will not rewrite this call (or finding); ``line`` is where it is."""

    line: int
    message: str
    detail: str = ""

    def text(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


class Refused(Exception):
    """Raised inside planning with the reason; caught once per call site."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


# Findings that are not at a Python call the codemod could replace.
IN_SQL_FILE = "in a .sql file: no call to rewrite"
IN_MIGRATION = "in a migration: the data change stays SQL"
NOT_DATA_ACCESS = "not a read or write (foreign key, schema change or ORM mapping)"
NOT_AT_A_CALL = "SQL not passed to a call in this file"
NOT_A_SINK = "SQL passed to a call that is not a known sink: add it to settings.sinks"
UNKNOWN_SINK = "not a call shape the codemod rewrites"
CONSTANT_KEPT = "SQL constant kept"
UNOWNED_TABLE = "table owned by no service (BND104)"
DYNAMIC_TABLE = "table name built at run time (BND105)"

# The statement.
SEVERAL_STATEMENTS = "several statements in one call"
UNPARSABLE = "SQL the parser cannot read"
PLANNING_FAILED = "the codemod failed on this call (please report it)"
TWO_SERVICES = "two services in one statement"
NO_CLIENT = "owning service has no client in the registry"
FACTORY_TAKEN = "client factory name means something else in this module"
NOT_BOUND = "{expr} is not a bound value"
NOT_PASSABLE = "{expr} cannot be passed to a client as it is"
RAISING_READ = "one() and one_or_none() raise on a missing or a second row: add an explicit rewrite with returns"
SELECT_NOT_READ = "the result of a SELECT is not read"
RUNTIME_FRAGMENT = "SQL fragment built at run time"
FORMATTED_VALUE = "value formatted into the SQL with % or .format"
NOT_DERIVED = "no conventional method for {what}: add an explicit rewrite"
SEVERAL_TABLES = "several tables in one statement: add an explicit rewrite"
NOT_IDENTIFIER = "column name is not a Python identifier"

METHOD_NAMES_TWO = "one method name, two statements in the registry's rewrites: give each its own name"
METHOD_TWO_TABLES = "one derived method name for tables of two schemas: add an explicit rewrite"
METHOD_NAME_TAKEN = "the derived method's name is an explicit rewrite's: add an explicit rewrite for this statement"

# The call site.
CURSOR_USE = "result used later as a cursor"
NO_PARAMETERS = "placeholder without a value"
PARAMETERS_SHAPE = "parameters are not a literal dict, tuple or argument list"
SIDE_EFFECT_ARGUMENT = "an argument would be evaluated a different number of times"
NOT_ASYNC = "client factory is awaited but the call is not in an async function"
MISSING_METHOD = "client has no such method yet (see the contract)"
BAD_SIGNATURE = "client method does not take these arguments"
RESULT_USE = "the result is used in a way a client's answer cannot stand in for"
SHAPE_MISMATCH = "the client method's answer is not what the code reads"
SHAPE_UNKNOWN = "what the client method returns is not known"
CLIENT_NOT_FOUND = "client module not found"
CLIENT_UNREADABLE = "client class cannot be read from its module"
NOT_ATOMIC = "write in a transaction that also writes other tables"
COMMITTED_AFTER = "write followed by a commit(): the caller owns the transaction"
FALLBACK = "SQL fallback after a call to the same owner's client"
NO_LONGER_ATOMIC = "no longer atomic"
ORM_ACCESS = "ORM access: rewrite by hand"
