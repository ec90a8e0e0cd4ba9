"""Package names imported on first use, so importing a package costs only what is used.

`__getattr__, __dir__ = lazy_names(__name__, {"Name": ".module", ...})` in a
package's `__init__` makes `package.Name` import `package.module` the first
time it is asked for (PEP 562), then keeps it as an ordinary attribute.
"""

import importlib
import sys
from collections.abc import Callable
from typing import Any


def lazy_names(
    package: str, homes: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module `__getattr__` and `__dir__` for names living in `homes` (relative modules)."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted([*vars(sys.modules[package]), *homes])

    return __getattr__, __dir__
