"""Record: the base of the database's immutable records, without the ``dataclasses`` module.

A frozen dataclass costs a fresh process ~19 ms to import (``dataclasses`` imports ``inspect``)
and ~1 ms per class to generate and compile its methods: together more than the rest of a
database load. A record class declares its fields as a dataclass does, as annotations with
optional defaults; its metaclass turns them into ``__slots__``, ``__match_args__`` and a table of
defaults, and every record class shares one ``__init__``, ``__eq__``, ``__hash__``, ``__repr__``
and ``__reduce__`` written once here: nothing is generated or compiled per class.

Records behave as frozen, slotted dataclasses: construction by position or keyword with
defaults (and a function call's TypeErrors), assignment and deletion raise, equality and hashing
by field values between records of the same class only, the dataclass ``repr``, pattern matching
by position, pickling and copying. The ``dataclasses`` functions (``fields``, ``replace``,
``asdict``, ``is_dataclass``) accept them too: ``__dataclass_fields__``, which they read, is made
the first time one asks, from a plain dataclass of the same fields, so only code that already
uses ``dataclasses`` imports it. Inside ``license_db``, ``fields`` and ``replace`` here do the same
without it.

A ``namedtuple`` would be cheaper still to define but is a tuple: equal to any tuple (and to a
record of another type) with the same values, iterable, indexable and sized, and written as a
list by JSON code that walks tuples; records must be none of that.

Type checkers see records as frozen dataclasses (``dataclass_transform``): constructors are
checked field by field and assignment is an error.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from operator import attrgetter

TYPE_CHECKING = False  # ``typing`` is not imported at run time: a load never needs it
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, ClassVar, TypeVar

    from typing_extensions import Self, dataclass_transform

    R = TypeVar("R", bound="Record")
else:

    def dataclass_transform(**_: object) -> Callable[[type], type]:
        """What type checkers read; nothing at run time."""
        return lambda cls: cls


class FrozenRecordError(AttributeError):
    """An assignment to (or deletion of) a record's field: records are immutable."""


class _RecordType(type):
    """Makes a record class's annotations its fields: slots, match arguments and defaults."""

    _setters: tuple[Callable[[Any, Any], None], ...]  # each slot's own setter, in field order

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> _RecordType:
        """The record class ``name``; its own annotations, in order, are its fields."""
        if not bases:  # Record itself
            return super().__new__(mcs, name, bases, namespace)
        if any(base is not Record for base in bases):
            raise TypeError(f"record {name}: a record derives from Record alone")
        names = tuple(namespace.get("__annotations__", ()))
        if not names and "__annotate__" in namespace:  # lazily evaluated annotations (3.14)
            raise TypeError(f"record {name}: its module needs 'from __future__ import annotations'")
        defaults = {field: namespace.pop(field) for field in names if field in namespace}
        _check_order(name, names, defaults)
        namespace.update(
            __slots__=names,
            __match_args__=names,
            _defaults=defaults,
            _names=frozenset(names),
            _values=_getter(names),
        )
        kind = super().__new__(mcs, name, bases, namespace)
        kind._setters = tuple(vars(kind)[field].__set__ for field in names)
        return kind


def _check_order(name: str, names: tuple[str, ...], defaults: dict[str, object]) -> None:
    """A field without a default after one with a default cannot be passed by position."""
    for before, after in pairwise(names):
        if before in defaults and after not in defaults:
            raise TypeError(f"record {name}: field {after!r} without a default follows {before!r}")


def _getter(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    """A function of a record to its field values, in order, as a tuple."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        value = attrgetter(names[0])
        return lambda record: (value(record),)
    return lambda record: ()


class _DataclassFields:
    """``__dataclass_fields__`` of a record class and its records: what the ``dataclasses``
    functions read, made the first time one asks (see the module)."""

    def __get__(self, record: object, kind: type[Record]) -> dict[str, Any]:
        """The fields of ``kind`` as a dataclass of the same fields has them."""
        if kind is Record:
            raise AttributeError("__dataclass_fields__")  # Record itself: not a dataclass
        return _dataclass_fields(kind)


@cache
def _dataclass_fields(kind: type[Record]) -> dict[str, Any]:
    """The ``__dataclass_fields__`` of a frozen dataclass with ``kind``'s fields."""
    from dataclasses import field, make_dataclass

    specs = [
        (name, kind.__annotations__[name], field(default=kind._defaults[name]))
        if name in kind._defaults
        else (name, kind.__annotations__[name])
        for name in kind.__match_args__
    ]
    shadow = make_dataclass(kind.__name__, specs, frozen=True)
    found: dict[str, Any] = vars(shadow)["__dataclass_fields__"]
    return found


@dataclass_transform(frozen_default=True)
class Record(metaclass=_RecordType):
    """An immutable record; subclasses declare fields as annotations (see the module)."""

    __slots__ = ()
    __match_args__: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]]
    _names: ClassVar[frozenset[str]]
    _values: ClassVar[Callable[[Record], tuple[Any, ...]]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """The record of these field values, by position or keyword, defaults filling in."""
        kind = type(self)
        values: Iterable[Any] = args
        if kwargs or len(args) != len(kind._setters):
            values = _arguments(kind, args, kwargs)
        for setter, value in zip(kind._setters, values, strict=True):  # past __setattr__
            setter(self, value)

    def __setattr__(self, name: str, value: object) -> None:
        """Records are immutable."""
        raise FrozenRecordError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        """Records are immutable."""
        raise FrozenRecordError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        """Equal to a record of the same class with equal field values."""
        if type(other) is not type(self):
            return NotImplemented
        values = type(self)._values
        return values(self) == values(other)

    def __hash__(self) -> int:
        """The hash of the field values (fields holding unhashable values make it fail)."""
        return hash(type(self)._values(self))

    def __repr__(self) -> str:
        """``Name(field=value, ...)``, as a dataclass writes it."""
        kind = type(self)
        values = zip(kind.__match_args__, kind._values(self), strict=True)
        shown = ", ".join(f"{name}={value!r}" for name, value in values)
        return f"{kind.__qualname__}({shown})"

    def __reduce__(self) -> tuple[type[Record], tuple[Any, ...]]:
        """Pickled and copied as the class and its field values."""
        return type(self), type(self)._values(self)

    def __replace__(self, /, **changes: Any) -> Self:
        """``copy.replace`` (Python 3.13): ``replace``."""
        return replace(self, **changes)

    if not TYPE_CHECKING:  # type checkers give dataclass-like classes their own
        __dataclass_fields__ = _DataclassFields()


def _arguments(kind: type[Record], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Iterable[Any]:
    """Field values in order from positional and keyword arguments and the defaults; the
    TypeError a function call would raise when they do not fit."""
    names = kind.__match_args__
    values = {**kind._defaults, **kwargs}
    if args:
        values.update(zip(names, args, strict=False))  # too many arguments: reported below
    clash = args and not kwargs.keys().isdisjoint(names[: len(args)])
    if values.keys() != kind._names or len(args) > len(names) or clash:
        raise TypeError(_misfit(kind, args, kwargs))
    return map(values.__getitem__, names)


def _misfit(kind: type[Record], args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """What is wrong with the arguments of a record's construction."""
    names, called = kind.__match_args__, f"{kind.__name__}()"
    if len(args) > len(names):
        return f"{called} takes {len(names)} arguments but {len(args)} were given"
    unknown = [key for key in kwargs if key not in kind._names]
    if unknown:
        return f"{called} got an unexpected keyword argument {unknown[0]!r}"
    twice = [name for name in names[: len(args)] if name in kwargs]
    if twice:
        return f"{called} got multiple values for argument {twice[0]!r}"
    given = {*names[: len(args)], *kwargs, *kind._defaults}
    missing = ", ".join(repr(name) for name in names if name not in given)
    return f"{called} missing required arguments: {missing}"


def fields(record: Record | type[Record]) -> tuple[str, ...]:
    """The names of a record's (or record class's) fields, in order."""
    return record.__match_args__


def defaults(kind: type) -> dict[str, Any]:
    """The default values of a record class's fields, by name (none for another type)."""
    return dict(kind._defaults) if issubclass(kind, Record) else {}


def replace(record: R, /, **changes: Any) -> R:
    """A copy of ``record`` with the fields ``changes`` names set to new values."""
    kind = type(record)
    values = dict(zip(kind.__match_args__, kind._values(record), strict=True))
    values.update(changes)
    return kind(**values)
