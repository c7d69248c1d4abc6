# Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
"""Extract upstream's error catalogue into the test fixture.

Reads the Python source of ``src/ai/backend/common/`` from a git checkout of
lablup/backend.ai (nothing is imported or executed: the files are parsed with
``ast``) and writes ``tests/unit/exception/_upstream_catalogue.ts``, the table
``tests/unit/exception/catalogue_test.ts`` checks every TypeScript error class
against.

For each class that derives from ``BackendAIError`` (in any module of common),
and for each plain exception class of ``exception.py``, it records the module,
the name, the HTTP status, ``error_type``, ``error_title`` and the error code.
Inheritance is resolved as Python resolves it: the script rebuilds the class
tree with ``types.new_class`` (aiohttp's ``web.HTTP*`` classes are stood in by
classes carrying aiohttp's ``status_code`` values), so each attribute comes
from the first class of the real method resolution order that defines it.
That matters: ``JWTInvalidClaimsError(JWTError, web.HTTPForbidden)`` answers
401, not 403, because ``JWTError`` brings ``HTTPUnauthorized`` earlier in the
order.

Run it when upstream moves, then review the diff of the fixture and port the
changes:

    python3 scripts/extract_upstream_errors.py <path to the backend.ai git dir> [rev] \\
        > tests/unit/exception/_upstream_catalogue.ts && deno fmt tests/unit/exception/

Requires Python 3.12 or later (upstream uses PEP 695 syntax) and git; no third-party packages.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import types
from dataclasses import dataclass, field

ROOT = "src/ai/backend/common"
PACKAGE = "ai.backend.common"

# aiohttp.web_exceptions: the status_code of each class upstream mixes in
# (HTTPException itself has -1: a BackendAIError without a mixin has no status).
AIOHTTP_STATUS = {
    "HTTPBadRequest": 400,
    "HTTPUnauthorized": 401,
    "HTTPPaymentRequired": 402,
    "HTTPForbidden": 403,
    "HTTPNotFound": 404,
    "HTTPMethodNotAllowed": 405,
    "HTTPNotAcceptable": 406,
    "HTTPRequestTimeout": 408,
    "HTTPConflict": 409,
    "HTTPGone": 410,
    "HTTPPreconditionFailed": 412,
    "HTTPRequestEntityTooLarge": 413,
    "HTTPUnsupportedMediaType": 415,
    "HTTPUnprocessableEntity": 422,
    "HTTPFailedDependency": 424,
    "HTTPTooManyRequests": 429,
    "HTTPInternalServerError": 500,
    "HTTPNotImplemented": 501,
    "HTTPBadGateway": 502,
    "HTTPServiceUnavailable": 503,
    "HTTPGatewayTimeout": 504,
    "HTTPInsufficientStorage": 507,
}


def _aiohttp_classes() -> dict[str, type]:
    exc = types.new_class(
        "HTTPException", (Exception,), exec_body=lambda ns: ns.update(status_code=-1)
    )
    error = types.new_class("HTTPError", (exc,))
    client = types.new_class("HTTPClientError", (error,))
    server = types.new_class("HTTPServerError", (error,))
    out = {
        "HTTPException": exc,
        "HTTPError": error,
        "HTTPClientError": client,
        "HTTPServerError": server,
    }
    for name, status in AIOHTTP_STATUS.items():
        parent = client if status < 500 else server
        out[name] = types.new_class(
            name, (parent,), exec_body=lambda ns, s=status: ns.update(status_code=s)
        )
    return out


def git(repo: str, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", repo, *args], check=True, capture_output=True, text=True
    ).stdout


@dataclass
class ClassInfo:
    module: str
    name: str
    node: ast.ClassDef
    attrs: dict[str, object] = field(default_factory=dict)
    built: type | None = None


@dataclass
class ModuleInfo:
    name: str
    is_package: bool
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def module_name(path: str) -> tuple[str, bool]:
    rel = path[len("src/") : -len(".py")].replace("/", ".")
    if rel.endswith(".__init__"):
        return rel[: -len(".__init__")], True
    return rel, False


def resolve_relative(mod: ModuleInfo, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    parts = mod.name.split(".")
    if not mod.is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: -(level - 1)]
    return ".".join(parts + ([target] if target else []))


def parse_enum(tree: ast.Module, name: str) -> dict[str, str]:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            out = {}
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(stmt.value, ast.Constant)
                ):
                    out[stmt.targets[0].id] = stmt.value.value
            return out
    raise SystemExit(f"enum {name} not found in exception.py")


def code_of(func: ast.FunctionDef, enums: dict[str, dict[str, str]]) -> object:
    """The error code a method returns: a string, or "dynamic"."""
    for node in ast.walk(func):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        call = node.value
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "ErrorCode"
        ):
            return "dynamic"
        args = {"domain": None, "operation": None, "error_detail": None}
        for key, arg in zip(args, call.args):
            args[key] = arg
        for kw in call.keywords:
            args[kw.arg] = kw.value
        parts = []
        for key, enum in (
            ("domain", "ErrorDomain"),
            ("operation", "ErrorOperation"),
            ("error_detail", "ErrorDetail"),
        ):
            value = args[key]
            if not (
                isinstance(value, ast.Attribute)
                and isinstance(value.value, ast.Name)
                and value.value.id == enum
            ):
                return "dynamic"
            parts.append(enums[enum][value.attr])
        return "_".join(parts)
    return "dynamic"


def class_attrs(node: ast.ClassDef, enums: dict[str, dict[str, str]]) -> dict[str, object]:
    attrs: dict[str, object] = {}
    for stmt in node.body:
        target = value = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant):
            if target.id in ("error_type", "error_title", "status_code"):
                attrs[target.id] = value.value
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if stmt.name == "error_code":
                abstract = any(
                    (isinstance(d, ast.Name) and d.id == "abstractmethod")
                    for d in stmt.decorator_list
                )
                attrs["_code"] = None if abstract else code_of(stmt, enums)
            if stmt.name == "__init__":
                for sub in ast.walk(stmt):
                    if isinstance(sub, ast.Assign):
                        for t in sub.targets:
                            if (
                                isinstance(t, ast.Attribute)
                                and isinstance(t.value, ast.Name)
                                and t.value.id == "self"
                                and t.attr == "status_code"
                            ):
                                attrs["_dynamic_status"] = True
    return attrs


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    repo = sys.argv[1]
    rev = sys.argv[2] if len(sys.argv) > 2 else "HEAD"
    commit = git(repo, "rev-parse", rev).strip()
    paths = [
        p
        for p in git(repo, "ls-tree", "-r", "--name-only", commit, ROOT).splitlines()
        if p.endswith(".py") and "/tests/" not in p
    ]
    modules: dict[str, ModuleInfo] = {}
    trees: dict[str, ast.Module] = {}
    for path in paths:
        name, is_package = module_name(path)
        trees[name] = ast.parse(git(repo, "show", f"{commit}:{path}"), filename=path)
        modules[name] = ModuleInfo(name, is_package)

    exc_module = f"{PACKAGE}.exception"
    enums = {
        e: parse_enum(trees[exc_module], e)
        for e in ("ErrorDomain", "ErrorOperation", "ErrorDetail")
    }

    for name, tree in trees.items():
        mod = modules[name]
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                src = resolve_relative(mod, node.level, node.module)
                for alias in node.names:
                    mod.imports[alias.asname or alias.name] = (src, alias.name)
            elif isinstance(node, ast.ClassDef):
                mod.classes[node.name] = ClassInfo(
                    name, node.name, node, class_attrs(node, enums)
                )

    aiohttp = _aiohttp_classes()
    builtins_by_name = {
        n: getattr(__builtins__, n) if not isinstance(__builtins__, dict) else __builtins__[n]
        for n in ("Exception", "ValueError", "RuntimeError", "TypeError", "KeyError", "LookupError")
    }
    abc_stub = types.new_class("ABC")

    def lookup(mod: ModuleInfo, name: str, depth: int = 0) -> object | None:
        if depth > 10:
            return None
        if name in mod.classes:
            return build(mod.classes[name])
        if name in mod.imports:
            src, orig = mod.imports[name]
            if src in modules and orig is not None:
                return lookup(modules[src], orig, depth + 1)
            if src == "abc" and orig == "ABC":
                return abc_stub
            if src == "aiohttp" and orig == "web":
                return "aiohttp.web"
            return None
        return builtins_by_name.get(name)

    def resolve_base(mod: ModuleInfo, expr: ast.expr) -> type | None:
        if isinstance(expr, ast.Name):
            found = lookup(mod, expr.id)
            return found if isinstance(found, type) else None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            owner = lookup(mod, expr.value.id)
            if owner == "aiohttp.web":
                return aiohttp[expr.attr]
        return None

    def build(info: ClassInfo) -> type:
        if info.built is not None:
            return info.built
        mod = modules[info.module]
        bases = tuple(
            b for b in (resolve_base(mod, e) for e in info.node.bases) if b is not None
        )
        attrs = dict(info.attrs)
        info.built = types.new_class(
            info.name,
            bases or (object,),
            exec_body=lambda ns: ns.update(attrs, _origin=(info.module, info.name)),
        )
        return info.built

    backend_ai_error = build(modules[exc_module].classes["BackendAIError"])
    rows = []
    for name in sorted(modules):
        mod = modules[name]
        for info in mod.classes.values():
            cls = build(info)
            if cls is backend_ai_error:
                continue
            row: dict[str, object] = {
                "module": name[len(PACKAGE) + 1 :],
                "name": info.name,
            }
            if issubclass(cls, backend_ai_error):

                def first(attr: str) -> object:
                    for klass in cls.__mro__:
                        if attr in vars(klass):
                            return vars(klass)[attr]
                    return None

                code = first("_code")
                parent = next(
                    (
                        b
                        for b in cls.__bases__
                        if issubclass(b, backend_ai_error) and b is not backend_ai_error
                    ),
                    None,
                )
                row.update(
                    kind="BackendAIError",
                    parent=None if parent is None else vars(parent)["_origin"][1],
                    status=first("status_code"),
                    dynamicStatus=bool(first("_dynamic_status")),
                    type=first("error_type"),
                    title=first("error_title"),
                    code=code,
                    abstract=code is None,
                )
            elif name == exc_module and issubclass(cls, BaseException):
                builtin = next(
                    k.__name__ for k in cls.__mro__ if k.__name__ in builtins_by_name
                )
                row.update(kind=builtin)
            else:
                continue
            rows.append(row)

    out = sys.stdout
    out.write(
        "// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.\n"
        "// Generated by scripts/extract_upstream_errors.py from lablup/backend.ai\n"
        f"// {commit} (src/ai/backend/common/). Do not edit by hand: re-run the script.\n\n"
        "/** One upstream exception class, as Python resolves it. */\n"
        "export interface UpstreamError {\n"
        "  /** The module under `ai.backend.common`, e.g. `exception` or `jwt.exceptions`. */\n"
        "  module: string;\n"
        "  /** The class name. */\n"
        "  name: string;\n"
        "  /** `BackendAIError`, or the builtin base of a plain exception (`ValueError`, ...). */\n"
        "  kind: string;\n"
        "  /** The first direct base that derives from `BackendAIError` (not itself), if any. */\n"
        "  parent?: string | null;\n"
        "  /** aiohttp's `status_code`: -1 when no `web.HTTP*` class is mixed in. */\n"
        "  status?: number;\n"
        "  /** The status is overwritten per instance by the constructor. */\n"
        "  dynamicStatus?: boolean;\n"
        "  /** `error_type`. */\n"
        "  type?: string;\n"
        "  /** `error_title`. */\n"
        "  title?: string;\n"
        '  /** `str(error_code())`; `"dynamic"` when computed per instance, `null` when abstract. */\n'
        "  code?: string | null;\n"
        "  /** `error_code()` is abstract: the class cannot be instantiated upstream. */\n"
        "  abstract?: boolean;\n"
        "}\n\n"
        "/** The upstream commit the table was read from. */\n"
        f"export const UPSTREAM_COMMIT = {json.dumps(commit)};\n\n"
        "/** Every upstream error class of `ai.backend.common`. */\n"
        "export const UPSTREAM_ERRORS: readonly UpstreamError[] = "
    )
    out.write(json.dumps(rows, indent=2))
    out.write(";\n")


if __name__ == "__main__":
    main()
