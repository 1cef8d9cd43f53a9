"""Every `monitoring_*` SQL function of the migrations has exactly one Python caller in lib/ (a
typed function of the store or of its feature), or is named here as used by SQL alone; and only
store modules (lib/store/**, lib/<feature>/store.py) call SQL functions by name."""

from __future__ import annotations

import ast
import re
from collections import Counter
from functools import cache

from tests.conftest import ROOT

# Functions no Python code calls, and why.
SQL_ONLY: dict[str, str] = {
    "monitoring_alert_cas": "the compare-and-set inside monitoring_alert_transition",
    "monitoring_restrict_to_service_role": "run by the migrations on every new function",
    "monitoring_hist_add": "adds histograms inside monitoring_traffic_ingest",
    "monitoring_hist_sums": "sums histograms inside the traffic ingest, summary and web vitals",
    "monitoring_traffic_slots": "the bucket slots of monitoring_traffic_ingest",
    "monitoring_status_summary": "a part of monitoring_status_summary_with_incidents",
    "monitoring_status_summary_with_incidents": "a part of monitoring_status_page",
    "monitoring_traffic_availability": "a part of monitoring_status_page",
    "monitoring_visitor_close": "counts and forgets closed days inside monitoring_analytics_ingest",
}
_DEFINED = re.compile(r"create\s+(?:or\s+replace\s+)?function\s+public\.(monitoring_\w+)", re.I)
_DROPPED = re.compile(r"drop\s+function\s+(?:if\s+exists\s+)?public\.(monitoring_\w+)", re.I)


def defined_functions() -> set[str]:
    """The functions the migrations leave defined, in the order they run."""
    found: set[str] = set()
    for path in sorted((ROOT / "supabase" / "migrations").glob("*.sql")):
        text = path.read_text()
        found |= set(_DEFINED.findall(text))
        found -= set(_DROPPED.findall(text)) - set(_DEFINED.findall(text))
    return found


@cache  # lib/ is parsed once for the module's tests
def raw_calls() -> list[tuple[str, str]]:
    """Every `<anything>.call("monitoring_…", …)` in lib/: (path relative to the root, function)."""
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / "lib").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "call"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value.startswith("monitoring_")
            ):
                found.append((path.relative_to(ROOT).as_posix(), node.args[0].value))
    return found


def python_callers() -> Counter[str]:
    """`<anything>.call("monitoring_…", …)` in lib/, by function name."""
    return Counter(function for _, function in raw_calls())


def is_store_module(path: str) -> bool:
    """lib/store/** or a feature's store module (lib/<feature>/store.py)."""
    parts = path.split("/")
    return parts[:2] == ["lib", "store"] or (len(parts) == 3 and parts[2] == "store.py")


def test_every_sql_function_has_exactly_one_python_caller() -> None:
    defined, callers = defined_functions(), python_callers()
    assert defined >= set(SQL_ONLY), set(SQL_ONLY) - defined
    assert set(callers) <= defined, f"calls of missing functions: {set(callers) - defined}"
    missing = sorted(f for f in defined - set(SQL_ONLY) if callers[f] == 0)
    assert not missing, f"defined but never called (call it, or list it in SQL_ONLY): {missing}"
    twice = sorted(f for f, n in callers.items() if n > 1)
    assert not twice, f"more than one caller (one typed function per SQL function): {twice}"
    called_anyway = sorted(f for f in SQL_ONLY if callers[f])
    assert not called_anyway, f"listed as SQL-only but called from Python: {called_anyway}"


def test_the_parser_sees_a_known_caller_and_a_dropped_function() -> None:
    assert python_callers()["monitoring_alert_transition"] == 1
    assert "monitoring_alert_event" not in defined_functions()  # dropped by 20261207010000
    assert "monitoring_health_check_read" in defined_functions()


def test_raw_calls_live_only_in_store_modules() -> None:
    """Feature logic calls typed store functions; only store modules name SQL functions."""
    outside = sorted(
        f"{path}: {function}" for path, function in raw_calls() if not is_store_module(path)
    )
    assert not outside, f"raw store calls outside lib/store and lib/*/store.py: {outside}"


def test_store_module_rule_names_the_right_paths() -> None:
    assert is_store_module("lib/store/__init__.py")
    assert is_store_module("lib/store/run.py")
    assert is_store_module("lib/deployments/store.py")
    assert not is_store_module("lib/drains/query.py")
    assert not is_store_module("lib/alerts/rules/store.py")  # only a feature's own top level
    assert ("lib/deployments/store.py", "monitoring_deployment") in raw_calls()
