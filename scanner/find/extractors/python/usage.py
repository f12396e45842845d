"""What one module does with the models it loads: training, merging, distillation, distribution
and export places (``USAGE_CALLS``), each linked to the loader calls whose value it uses, and the
differential privacy that applies to each training place.

Linking follows a value back through names and the calls that pass a model on (``Role.LINK``:
``accelerator.prepare(model)``, ``model.to(device)``, ``get_peft_model(model, config)``) to the
loader call that made it. A trainer trains where ``.train()`` is called on it; an optimizer's
``.step()`` trains the modules whose ``.parameters()`` it was given. DP evidence (a DP row, or a
hand-written step: a clip call and Gaussian noise scaled by the same clip bound) applies to the
training places in the same function, and to the places that train the same model.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import libcst as cst

from scanner.find.extractors.python.base import argument
from scanner.find.extractors.python.items import Const
from scanner.find.extractors.python.patterns import (
    ArgSpec,
    CallName,
    by_last_name,
    first_match,
    module_matches,
)
from scanner.find.extractors.python.scope import (
    Binding,
    BindingKind,
    CallSite,
    ModuleInfo,
    Scope,
    ScopeKind,
    call_name,
)
from scanner.find.extractors.python.usage_table import (
    CLIP_CALLS,
    DP_KEYWORDS,
    NOISE_CALLS,
    OPTIMIZER_LIBRARIES,
    RECEIVER,
    USAGE_CALLS,
    Param,
    Role,
    UsageCall,
)
from scanner.find.extractors.python.values import Evaluator
from scanner.types import ModelRef, Privacy, Use, UseKind

MAX_DEPTH = 12
"""How many names and links a value is followed back through."""

_DP_STEP_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in (*CLIP_CALLS, *NOISE_CALLS))


@dataclass(frozen=True, slots=True)
class Place:
    """One place found in a module: the call node, what it is, the loader nodes it uses."""

    node: cst.Call
    kind: UseKind | None  # None: DP evidence only (a DP optimizer, a hand-written DP step)
    call: str
    models: frozenset[int]  # id() of the loader argument nodes the place uses
    privacy: Privacy | None
    scope: Scope


@dataclass(frozen=True, slots=True)
class _Site:
    site: CallSite
    name: CallName
    row: UsageCall


@dataclass(slots=True)
class UsageFinder:
    """Finds one module's places; ``loaded`` maps a loader call's id to its argument nodes."""

    module: ModuleInfo
    evaluator: Evaluator
    loaded: Mapping[int, Sequence[cst.CSTNode]]
    sites: dict[int, _Site] = field(default_factory=dict)  # id(call) -> its matched row

    def run(self) -> list[Place]:
        """Every place in the module, with the DP evidence that applies to it."""
        runs: list[CallSite] = []
        steps: list[tuple[CallSite, str]] = []  # clip and noise calls of a hand-written DP step
        for site in self.module.calls:
            name = call_name(site.node.func, self.module.imports)
            row = match_usage(name, self.module.imported) if name is not None else None
            if row is not None and name is not None:
                self.sites[id(site.node)] = _Site(site, name, row)
            elif name is not None and name.parts[-1] == "train":
                runs.append(site)
            elif name is not None and name.qualified and name.parts[-1] in _DP_STEP_NAMES:
                steps.append((site, ".".join(name.parts)))
        places = [p for s in self.sites.values() for p in self.places(s)]
        places += [p for site in runs for p in self.trainer_runs(site)]
        evidence = [p for p in places if p.privacy is not None] + self.dp_evidence(steps)
        return [_with_dp(p, evidence) for p in places if p.kind is not None]

    def places(self, s: _Site) -> Iterator[Place]:
        """The places one matched call makes (a trainer's ``.train()`` is found from its
        receiver, so a TRAINER row makes none itself)."""
        row, node, scope = s.row, s.site.node, s.site.scope
        if row.role is Role.PLACE and row.use is not None:
            models = self.models_at(node, row.model, scope)
            if row.folder is not None:
                models |= self.saved_in(argument(node, *_spec(row.folder)), scope)
            if row.model is not None and row.model is not RECEIVER and not models \
                    and argument(node, *_spec(row.model)) is None:  # fmt: skip
                return  # PrivacyEngine() without a module: opacus 1.x, make_private follows
            privacy = self.privacy(node, scope, row) if row.dp else None
            yield Place(node, row.use, _shown(s.name), models, privacy, scope)
        elif row.role is Role.STEP:
            trained = self.optimized(node, scope)
            if trained is not None:
                yield Place(node, UseKind.FINE_TUNING, _shown(s.name), trained, None, scope)
        elif row.role is Role.DP:
            privacy = self.privacy(node, scope, row)
            yield Place(node, None, _shown(s.name), frozenset(), privacy, scope)

    def trainer_runs(self, site: CallSite) -> Iterator[Place]:
        """``trainer.train()``: the trainer's model trains (and its teacher teaches) here."""
        receiver = _model_expr(site.node, RECEIVER)
        for call in self.origins(receiver, site.scope) if receiver is not None else ():
            trainer = self.sites.get(id(call))
            if trainer is None or trainer.row.role is not Role.TRAINER:
                continue
            row, scope = trainer.row, trainer.site.scope
            shown = _shown(trainer.name) + "(...).train"
            privacy = self.privacy(call, scope, row) if row.dp else None
            models = self.models_at(call, row.model, scope)
            yield Place(site.node, UseKind.FINE_TUNING, shown, models, privacy, site.scope)
            teachers = self.models_at(call, row.teacher, scope)
            if teachers:
                yield Place(site.node, UseKind.DISTILLATION, shown, teachers, None, site.scope)

    # -- linking ------------------------------------------------------------------------------

    def origins(self, expr: cst.BaseExpression, scope: Scope) -> list[cst.Call]:
        """The calls whose result ``expr`` may hold: through names and LINK calls."""
        found: list[cst.Call] = []
        self._origins(expr, scope, 0, set(), found)
        return found

    def _origins(self, expr: cst.BaseExpression, scope: Scope, depth: int, seen: set[int],
                 found: list[cst.Call]) -> None:  # fmt: skip
        if depth > MAX_DEPTH or id(expr) in seen:
            return
        seen.add(id(expr))
        match expr:
            case cst.Call():
                found.append(expr)
                linked = self.sites.get(id(expr))
                if linked is not None and (linked.row.role is Role.LINK or linked.row.links):
                    inner = _model_expr(expr, linked.row.model)
                    if inner is not None:
                        self._origins(inner, scope, depth + 1, seen, found)
            case cst.Name(value=name):
                for binding in _bindings(name, scope):
                    if binding.value is not None and binding.kind is BindingKind.VALUE:
                        self._origins(binding.value, binding.scope, depth + 1, seen, found)

    def models_of(self, expr: cst.BaseExpression | None, scope: Scope) -> frozenset[int]:
        """The loader argument nodes whose model ``expr`` may be."""
        if expr is None:
            return frozenset()
        found: set[int] = set()
        for call in self.origins(expr, scope):
            found.update(id(node) for node in self.loaded.get(id(call), ()))
        if any(expr is node for nodes in self.loaded.values() for node in nodes):
            found.add(id(expr))  # an id given directly to a call a loader row also reads
        return frozenset(found)

    def models_at(self, node: cst.Call, spec: ArgSpec | None, scope: Scope) -> frozenset[int]:
        """The models a row's model argument (or receiver) holds."""
        return self.models_of(_model_expr(node, spec), scope) if spec is not None else frozenset()

    def saved_in(self, folder: cst.BaseExpression | None, scope: Scope) -> frozenset[int]:
        """The models a ``save_pretrained(folder)`` in the module wrote to the same folder."""
        if folder is None:
            return frozenset()
        key = self.key(folder)
        found: set[int] = set()
        for s in self.sites.values():
            target = argument(s.site.node, *_spec(s.row.folder)) if s.row.role is Role.SAVE \
                else None  # fmt: skip
            if target is not None and self.key(target) == key:
                found |= self.models_at(s.site.node, RECEIVER, s.site.scope)
        return frozenset(found)

    def key(self, expr: cst.BaseExpression) -> str:
        """What makes two folder expressions the same: their code."""
        return self.module.tree.code_for_node(expr)

    def optimized(self, node: cst.Call, scope: Scope) -> frozenset[int] | None:
        """The models an ``optimizer.step()`` trains (``.parameters()`` given to an optimizer
        of a known library, directly or through names); None when it is no such optimizer."""
        receiver = _model_expr(node, RECEIVER)
        found: set[int] | None = None
        for call in self.origins(receiver, scope) if receiver is not None else ():
            if not any(self.is_optimizer(f) for f in self.values(call.func, scope)):
                continue
            params = argument(call, 0, "params")
            for value in self.values(params, scope) if params is not None else ():
                for owner in _parameter_owners(value):
                    found = (found or set()) | self.models_of(owner, scope)
        return None if found is None else frozenset(found)

    def is_optimizer(self, func: cst.BaseExpression) -> bool:
        """True for a callee imported from an optimizer library (``torch.optim.AdamW``)."""
        name = call_name(func, self.module.imports)
        return name is not None and _is_optimizer(name)

    def values(self, expr: cst.BaseExpression, scope: Scope) -> list[cst.BaseExpression]:
        """``expr`` and, for a name, the expressions it is bound to (``cls = torch.optim.AdamW``,
        ``params = unet.parameters()``), followed a few names deep."""
        found: list[cst.BaseExpression] = []
        pending = [(expr, scope, 0)]
        while pending:
            current, where, depth = pending.pop()
            found.append(current)
            if isinstance(current, cst.Name) and depth < 4:
                pending += [(b.value, b.scope, depth + 1) for b in _bindings(current.value, where)
                            if b.value is not None and b.kind is BindingKind.VALUE]  # fmt: skip
        return found

    # -- privacy ------------------------------------------------------------------------------

    def privacy(self, node: cst.Call, scope: Scope, row: UsageCall) -> Privacy:
        """The DP evidence a DP call states (its keywords, and those of its arguments' calls)."""
        stated = self.stated(node, scope)
        for arg in node.args:
            for call in self.origins(arg.value, scope):
                if call is not node:
                    for param, value in self.stated(call, scope).items():
                        stated.setdefault(param, value)
        return privacy_from(row.dp, stated)

    def stated(self, node: cst.Call, scope: Scope) -> dict[Param, float]:
        """The DP parameters one call's keywords state with a static number."""
        found: dict[Param, float] = {}
        for arg in node.args:
            param = DP_KEYWORDS.get(arg.keyword.value) if arg.keyword is not None else None
            value = self.number(arg.value, scope) if param is not None else None
            if param is not None and value is not None:
                found.setdefault(param, value)
        return found

    def dp_evidence(self, steps: list[tuple[CallSite, str]]) -> list[Place]:
        """Hand-written DP-SGD steps: a clip call, and in the same function Gaussian noise whose
        scale names the clip bound (``torch.normal(0, sigma * max_norm, ...)``)."""
        bounds: dict[int, list[str]] = {}
        noises: list[tuple[CallSite, cst.BaseExpression]] = []
        for site, dotted in steps:
            bound = argument(site.node, 1, "max_norm") or argument(site.node, 1, "clip_value")
            if bound is not None and any(dotted.endswith(c) for c in CLIP_CALLS):
                bounds.setdefault(id(_function(site.scope)), []).append(self.key(bound))
            std = argument(site.node, 1, "std") or argument(site.node, 1, "scale")
            if std is not None and any(dotted.endswith("." + n) for n in NOISE_CALLS):
                noises.append((site, std))
        places = []
        for site, std in noises:
            near = bounds.get(id(_function(site.scope)), [])
            if any(bound in self.key(std) for bound in near):
                places.append(self.hand_written(site, std, near))
        return places

    def hand_written(self, site: CallSite, std: cst.BaseExpression, bounds: list[str]) -> Place:
        """The DP evidence of a noise call scaled by a clip bound: sigma = std / bound."""
        noise = None
        if isinstance(std, cst.BinaryOperation) and isinstance(std.operator, cst.Multiply):
            for this, other in ((std.left, std.right), (std.right, std.left)):
                if self.key(other) in bounds:
                    noise = self.number(this, site.scope)
        stated = {} if noise is None else {Param.NOISE: noise}
        privacy = privacy_from("hand-written DP-SGD step (clipping + Gaussian noise)", stated)
        return Place(site.node, None, "hand-written DP-SGD", frozenset(), privacy, site.scope)

    def number(self, expr: cst.BaseExpression, scope: Scope) -> float | None:
        """A number known statically: a constant, or arithmetic on constants."""
        if isinstance(expr, cst.BinaryOperation):
            left, right = self.number(expr.left, scope), self.number(expr.right, scope)
            return None if left is None or right is None else _arith(expr.operator, left, right)
        items = self.evaluator.evaluate(expr, scope)
        values = {i.value for i in items if isinstance(i, Const)}
        if len(items) != 1 or len(values) != 1:
            return None
        value = values.pop()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return float(value)


def attach_uses(
    refs: dict[tuple[object, ...], ModelRef],
    places: list[Place],
    found: Sequence[tuple[cst.CSTNode, tuple[object, ...]]],
    where: Mapping[int, tuple[int, int]],
    path: str,
) -> tuple[dict[tuple[object, ...], ModelRef], tuple[Use, ...]]:
    """The references (keyed as ``cst`` keys them) with the uses that name them, and every use.

    ``found`` pairs each loader argument node with its reference's key; ``where`` holds the
    position of every place's node."""
    places = [p for p in places if p.kind is not None]
    if not places:
        return refs, ()
    by_node: dict[int, list[tuple[object, ...]]] = {}
    for node, key in found:
        by_node.setdefault(id(node), []).append(key)
    uses: list[Use] = []
    named: dict[tuple[object, ...], list[Use]] = {}
    for place in sorted(places, key=lambda p: where[id(p.node)]):
        assert place.kind is not None
        keys = list(dict.fromkeys(k for n in place.models for k in by_node.get(n, ()) if k in refs))
        line, column = where[id(place.node)]
        models = tuple(dict.fromkeys(refs[k].raw for k in keys))
        use = Use(place.kind, path, line, column, place.call, models, place.privacy)
        uses.append(use)
        for key in keys:
            named.setdefault(key, []).append(use)
    out = {k: replace(r, uses=tuple(dict.fromkeys(named[k]))) if k in named else r
           for k, r in refs.items()}  # fmt: skip
    return out, tuple(dict.fromkeys(uses))


_BY_LAST_NAME = by_last_name(USAGE_CALLS)


def match_usage(name: CallName, imported: frozenset[str]) -> UsageCall | None:
    """The first row of USAGE_CALLS matching a callee, given the file's imported names."""
    return first_match(_BY_LAST_NAME, name, imported)


def _spec(spec: ArgSpec | None) -> tuple[int | None, str | None]:
    if spec is None or not spec.keywords:
        return None, None
    return spec.position, spec.keywords[0]


def _model_expr(node: cst.Call, spec: ArgSpec | None) -> cst.BaseExpression | None:
    """The expression holding the model: the receiver, or the argument ``spec`` names."""
    if spec is None:
        return None
    if spec is RECEIVER:
        func = node.func
        return func.value if isinstance(func, cst.Attribute) else None
    for keyword in spec.keywords:
        value = argument(node, None, keyword)
        if value is not None:
            return value
    return argument(node, spec.position, None)


def _bindings(name: str, scope: Scope) -> list[Binding]:
    """The bindings of ``name`` seen from ``scope`` (class bodies are skipped from functions)."""
    current: Scope | None = scope
    start = True
    while current is not None:
        if (start or current.kind is not ScopeKind.CLASS) and name in current.bindings:
            return list(current.bindings[name])
        start = False
        current = current.parent
    return []


def _is_optimizer(name: CallName) -> bool:
    """True for a name imported from an optimizer library (``torch.optim.AdamW``)."""
    dotted = ".".join(name.parts)
    return name.qualified and any(module_matches(dotted, lib) for lib in OPTIMIZER_LIBRARIES)


def _parameter_owners(expr: cst.BaseExpression, depth: int = 0) -> Iterator[cst.BaseExpression]:
    """The ``X`` of every ``X.parameters()`` inside an optimizer's params argument."""
    if depth > MAX_DEPTH:
        return
    match expr:
        case cst.Call(func=cst.Attribute(value=owner, attr=cst.Name(value="parameters"))):
            yield owner
        case cst.Call(args=args):
            for arg in args:
                yield from _parameter_owners(arg.value, depth + 1)
        case cst.List(elements=elements) | cst.Tuple(elements=elements):
            for element in elements:
                yield from _parameter_owners(element.value, depth + 1)
        case cst.Dict(elements=entries):
            for entry in entries:
                if isinstance(entry, cst.DictElement):
                    yield from _parameter_owners(entry.value, depth + 1)
        case (
            cst.GeneratorExp(for_in=cst.CompFor(iter=inner))
            | cst.ListComp(for_in=cst.CompFor(iter=inner))
        ):
            yield from _parameter_owners(inner, depth + 1)


def _arith(operator: cst.BaseBinaryOp, left: float, right: float) -> float | None:
    match operator:
        case cst.Multiply():
            return left * right
        case cst.Divide():
            return left / right if right else None
        case cst.Add():
            return left + right
        case cst.Subtract():
            return left - right
        case cst.Power():
            return float(left**right) if abs(right) < 64 else None
    return None


def _shown(name: CallName) -> str:
    return ".".join(p for p in name.parts if p)


def _function(scope: Scope) -> Scope:
    """The def (or module) a scope belongs to: comprehensions are see-through."""
    while scope.kind is ScopeKind.FUNCTION and scope.name.startswith("<") and scope.parent:
        scope = scope.parent
    return scope


def privacy_from(mechanism: str | None, stated: dict[Param, float]) -> Privacy:
    """DP evidence from the stated parameters: the sampling rate and the number of steps
    derived where the code states what they are made of; what an accountant lacks listed."""
    rate = stated.get(Param.SAMPLE_RATE)
    batch, size = stated.get(Param.BATCH), stated.get(Param.DATASET)
    if rate is None and batch is not None and size:
        rate = min(1.0, batch / size)
    steps = stated.get(Param.STEPS)
    epochs = stated.get(Param.EPOCHS)
    if steps is None and epochs is not None and rate:
        steps = math.ceil(epochs / rate)
    noise = stated.get(Param.NOISE)
    missing = [name for name, value in (("noise_multiplier", noise), ("sample_rate", rate),
               ("steps or epochs", steps)) if value is None]  # fmt: skip
    return Privacy(
        dp=True,
        mechanism=mechanism,
        epsilon=stated.get(Param.EPSILON),
        delta=stated.get(Param.DELTA),
        noise_multiplier=noise,
        max_grad_norm=stated.get(Param.CLIP),
        sample_rate=rate,
        steps=None if steps is None else int(steps),
        missing=() if Param.EPSILON in stated else tuple(missing),
    )


def _with_dp(place: Place, evidence: list[Place]) -> Place:
    """A training place with the DP evidence that applies to it (or DP: no); other places
    carry no privacy record."""
    if place.kind is not UseKind.FINE_TUNING:
        return replace(place, privacy=None)
    if place.privacy is not None:
        return place
    home = _function(place.scope)
    for other in evidence:
        if (
            other.privacy is not None
            and other is not place
            and ((other.models & place.models) or _function(other.scope) is home)
        ):
            return replace(place, privacy=other.privacy)
    return replace(place, privacy=Privacy(dp=False))
