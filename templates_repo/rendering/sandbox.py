"""The Jinja environment a template is rendered in, and the budget of files, bytes and time it may use.

Jinja's sandbox stops attribute tricks; the budget stops a template that tries to fill the disk, the
memory or the worker's time (see the package docstring).
"""

from __future__ import annotations

import json
import re
import string
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import jinja2
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from jinja2 import filters as jinja_filters
from jinja2.sandbox import SandboxedEnvironment, safe_range
from jinja2.utils import _PassArg

_WIDTH_SPEC = re.compile(r"[0-9]+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|[0-9]+)?(?:\.(\*|[0-9]+))?")


class RenderError(Exception):
    """Rendering failed; nothing of the project is left on disk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RenderLimitExceeded(RenderError):
    """A render limit was reached; `limit` names it (a field of RenderLimits) for callers and tests."""

    def __init__(self, reason: str, *, limit: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


class RenderCancelled(RenderError):
    """The caller asked the render to stop (its `RenderLimits.should_stop` answered true)."""


@dataclass(frozen=True)
class RenderLimits:
    max_files: int = 500
    max_bytes: int = 20 * 1024 * 1024
    max_seconds: float = 60.0
    # One file: bounds the memory a single template (or a single expression in it) can take.
    max_file_bytes: int = 2 * 1024 * 1024
    # Asked as often as the clock: true stops the render (a fork whose worker lost its lease).
    should_stop: Callable[[], bool] | None = field(default=None, compare=False)


DEFAULT_LIMITS = RenderLimits()


class Budget:
    """Counts what a render has written and how long it has run; raises RenderLimitExceeded past a limit."""

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.files = 0
        self.bytes = 0
        self.current = ""

    def check_time(self) -> None:
        if self.limits.should_stop is not None and self.limits.should_stop():
            raise RenderCancelled(_("The render was stopped: this worker no longer holds the fork."))
        if time.monotonic() > self.deadline:
            raise RenderLimitExceeded(
                _("Rendering took longer than the limit of %(seconds)s seconds.")
                % {"seconds": f"{self.limits.max_seconds:g}"},
                limit="max_seconds",
            )

    def check_file_size(self, size: int) -> None:
        if size > self.limits.max_file_bytes:
            self._refuse_one_file(_("%(path)s renders to more than %(limit)s, the limit for one file."))

    def check_value_size(self, size: int) -> None:
        if size > self.limits.max_file_bytes:
            self._refuse_one_file(_("%(path)s builds a value larger than %(limit)s, the limit for one file."))

    def _refuse_one_file(self, message: str) -> NoReturn:
        raise RenderLimitExceeded(
            message % {"path": self.current, "limit": filesizeformat(self.limits.max_file_bytes)},
            limit="max_file_bytes",
        )

    def add_file(self, size: int) -> None:
        self.check_time()
        self.check_file_size(size)
        if self.files + 1 > self.limits.max_files:
            raise RenderLimitExceeded(
                _("The project has more than %(limit)d files, the limit for one render.")
                % {"limit": self.limits.max_files},
                limit="max_files",
            )
        if self.bytes + size > self.limits.max_bytes:
            raise RenderLimitExceeded(
                _("The project is larger than %(limit)s, the limit for one render.")
                % {"limit": filesizeformat(self.limits.max_bytes)},
                limit="max_bytes",
            )
        self.files += 1
        self.bytes += size


class _TimedRange(Sequence):
    """range() for templates that checks the clock while a loop runs, even a loop that prints nothing."""

    def __init__(self, numbers: range, budget: Budget) -> None:
        self._numbers = numbers
        self._budget = budget

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, index):
        item = self._numbers[index]
        return _TimedRange(item, self._budget) if isinstance(item, range) else item

    def __iter__(self) -> Iterator[int]:
        for position, number in enumerate(self._numbers):
            if not position % 1024:
                self._budget.check_time()
            yield number

    def __contains__(self, value: object) -> bool:
        return value in self._numbers

    def __str__(self) -> str:
        return str(self._numbers)

    __repr__ = __str__


class GuardedSandbox(SandboxedEnvironment):
    """Jinja's sandbox plus size and time checks on the ways one expression can build a huge value.

    The sandbox stops attribute tricks (``__globals__``...), but happily evaluates ``"x" * 10**10``.
    String repetition, powers, %-formatting, str.format widths, padding and the joining filters are
    checked before they allocate; every call and operator also checks the clock. This bounds the usual
    cases, not every conceivable one: a template that loops without output or calls (or doubles a string
    with ``~`` in a loop) is only stopped by the worker's own time and memory limits.
    """

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, budget: Budget, **options: Any) -> None:
        super().__init__(**options)
        self.budget = budget
        self.globals.pop("lipsum", None)  # n paragraphs of any size, and useless in project templates
        self.globals["range"] = lambda *args: _TimedRange(safe_range(*args), budget)
        self.filters.update(
            center=self._filter_center,
            indent=self._filter_indent,
            format=self._filter_format,
            join=self._filter_join,
            replace=self._filter_replace,
            # Cookiecutter's own filter, kept for templates that serialize values.
            jsonify=lambda value, indent=4: json.dumps(value, sort_keys=True, indent=indent),
        )

    def compile_key(self) -> tuple:
        """Everything besides a template's text that the code Jinja compiles it to depends on: this class,
        Jinja's version, the syntax options, the intercepted operators, and the filters and tests with the
        argument each one is passed (Jinja decides that when it compiles). Two environments with the same
        key compile a text to interchangeable code; the budget is not part of it (code reaches it through
        the environment it runs in, never through the one that compiled it)."""

        def kinds(functions: dict[str, Any]) -> tuple:
            return tuple(
                sorted((name, str(_PassArg.from_obj(function))) for name, function in functions.items())
            )

        cls = type(self)
        options = tuple(
            repr(getattr(self, name))
            for name in (
                "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
                "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
                "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
                "autoescape", "is_async", "sandboxed", "undefined",
            )
        )  # fmt: skip
        return (
            f"{cls.__module__}.{cls.__qualname__}",
            jinja2.__version__,
            options,
            tuple(sorted(self.intercepted_binops)),
            tuple(sorted(self.intercepted_unops)),
            tuple(sorted(self.extensions)),
            None if self.finalize is None else str(_PassArg.from_obj(self.finalize)),
            kinds(self.filters),
            kinds(self.tests),
        )

    # Operators and calls.

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        self.budget.check_time()
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, str | bytes | list | tuple) and isinstance(count, int):
                    self.budget.check_value_size(len(sequence) * count)
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
                self.budget.check_value_size(right * abs(left).bit_length() // 3)
        elif operator == "%" and isinstance(left, str):
            self._check_percent_format(left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.budget.check_time()
        target = getattr(obj, "__wrapped__", obj)
        owner = getattr(target, "__self__", None)
        if isinstance(owner, str):
            args = self._check_str_method(owner, getattr(target, "__name__", ""), args, kwargs)
        result = super().call(context, obj, *args, **kwargs)
        if isinstance(result, str | bytes | list | tuple):
            self.budget.check_value_size(len(result))
        return result

    def _check_str_method(self, text: str, name: str, args: tuple, kwargs: dict) -> tuple:
        first = args[0] if args else next(iter(kwargs.values()), None)
        if name in {"center", "ljust", "rjust", "zfill"} and isinstance(first, int):
            self.budget.check_value_size(first)
        elif name == "expandtabs":
            tab_size = first if isinstance(first, int) else 8
            self.budget.check_value_size(len(text) + text.count("\t") * tab_size)
        elif name == "replace" and len(args) >= 2:
            self._check_replace(text, args[0], args[1], args[2] if len(args) > 2 else None)
        elif name == "join" and args:
            items = list(args[0])
            self._check_join(text, items)
            args = (items, *args[1:])
        elif name in {"format", "format_map"}:
            self._check_format_widths(text, (*args, *kwargs.values()))
        return args

    def _check_format_widths(self, text: str, arguments: Sequence[Any]) -> None:
        for _literal, _field, spec, _conversion in string.Formatter().parse(text):
            for digits in _WIDTH_SPEC.findall(spec or ""):
                self.budget.check_value_size(int(digits))
        for argument in arguments:
            if isinstance(argument, int) and not isinstance(argument, bool):
                # A nested width ("{:{}}") comes from the arguments.
                self.budget.check_value_size(argument)

    def _check_percent_format(self, text: str, arguments: Any) -> None:
        for match in _PERCENT_SPEC.finditer(text):
            for part in match.groups():
                if part and part != "*":
                    self.budget.check_value_size(int(part))
                elif part == "*":
                    values = arguments if isinstance(arguments, tuple) else (arguments,)
                    for value in values:
                        if isinstance(value, int):
                            self.budget.check_value_size(value)

    def _check_replace(self, text: Any, old: Any, new: Any, count: Any) -> None:
        text, old, new = str(text), str(old), str(new)
        if len(new) > len(old):
            occurrences = text.count(old) if old else len(text) + 1
            if isinstance(count, int) and count >= 0:
                occurrences = min(occurrences, count)
            self.budget.check_value_size(len(text) + occurrences * (len(new) - len(old)))

    def _check_join(self, separator: Any, items: list) -> None:
        size = len(str(separator)) * max(len(items) - 1, 0)
        for item in items:
            size += len(item) if isinstance(item, str) else len(str(item))
            self.budget.check_value_size(size)

    # Filters that can grow a value, checked before they run.

    def _filter_center(self, value: Any, width: int = 80) -> str:
        if isinstance(width, int):
            self.budget.check_value_size(width)
        return jinja_filters.do_center(value, width)

    def _filter_indent(
        self, value: Any, width: int | str = 4, first: bool = False, blank: bool = False
    ) -> str:
        text = str(value)
        pad = width if isinstance(width, int) else len(str(width))
        self.budget.check_value_size(len(text) + (text.count("\n") + 1) * pad)
        return jinja_filters.do_indent(text, width, first, blank)

    def _filter_format(self, value: Any, *args: Any, **kwargs: Any) -> str:
        self._check_percent_format(str(value), tuple(kwargs.values()) or args)
        return jinja_filters.do_format(value, *args, **kwargs)

    @jinja2.pass_eval_context
    def _filter_join(self, eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        items = list(value)
        if attribute is None:
            self._check_join(d, items)
        result = jinja_filters.do_join(eval_ctx, items, d, attribute)
        self.budget.check_value_size(len(result))
        return result

    @jinja2.pass_eval_context
    def _filter_replace(self, eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> str:
        self._check_replace(s, old, new, count)
        return jinja_filters.do_replace(eval_ctx, s, old, new, count)
