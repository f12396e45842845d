"""Names bound by imports: followed into the modules of the repository that define them.

``import config`` binds a ``ModuleRef``; ``from config import MODEL`` (or a star import) gives
what ``config`` binds ``MODEL`` to; a package's attribute may be one of its submodules. A module
outside the repository leaves the name unknown.
"""

from __future__ import annotations

import posixpath

from scanner.find.extractors.python.base import EvaluatorBase, module_path
from scanner.find.extractors.python.items import Items, ModuleRef, is_undefined, unknown
from scanner.find.extractors.python.scope import Binding, ModuleInfo, Scope


class ImportValues(EvaluatorBase):
    """The evaluator's part that follows imports."""

    def _import(self, binding: Binding) -> Items:
        importer = module_path(binding.scope)
        module = binding.module or ""
        if binding.attr is None:
            info = self._load(importer, module, binding.level)
            return (ModuleRef(info),) if info else unknown(f"module {module} is not in the repo")
        found = self._from_module(binding, binding.attr)
        return (
            found
            if found is not None
            else unknown(
                f"{binding.attr} is imported from {'.' * binding.level}{module}, not in the repo"
            )
        )

    def _from_module(self, binding: Binding, attr: str) -> Items | None:
        importer = module_path(binding.scope)
        module = binding.module or ""
        info = self._load(importer, module, binding.level)
        if info is not None:  # looked up there, found or not
            self.ctx.noted_entry(info.path, attr)
        if info is not None and (attr in info.scope.bindings or info.scope.star_imports):
            found = self.name(attr, info.scope)
            if binding.module is not None or not is_undefined(found):
                return found
        sub = self._load(importer, f"{module}.{attr}" if module else attr, binding.level)
        if sub is not None:
            return (ModuleRef(sub),)
        return None

    def _star(self, name: str, root: Scope) -> Items:
        for star in root.star_imports:
            found = self._from_module(star, name)
            if found is not None:
                return found
        return unknown(f"{name} is not defined in this file")

    def _module_attr(self, module: ModuleInfo, attr: str) -> Items:
        self.ctx.noted_entry(module.path, attr)
        if attr in module.scope.bindings:
            return self.name(attr, module.scope)
        if module.path.endswith("__init__.py"):
            folder = posixpath.dirname(module.path)
            sub = self._load(module.path, attr, 1) if folder or attr else None
            if sub is not None:
                return (ModuleRef(sub),)
        return unknown(f"{attr} is not defined in {module.path}")
