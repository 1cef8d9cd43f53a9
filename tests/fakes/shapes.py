"""Validate fake bodies against the official OpenAPI documents in tests/specs/."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from openapi_schema_validator import OAS30Validator, OAS31Validator

from tests.fakes import load_json

SPEC_FILES = {
    "stripe": "stripe-openapi.trimmed.json",
    "openai": "openai-openapi.trimmed.json",
    "resend": "resend-openapi.trimmed.json",
    "supabase": "supabase-management-openapi.json",
}


def _allow_stripe_nulls(node: Any) -> None:
    """Stripe puts `nullable: true` beside enum/anyOf; OAS30Validator honours it on `type` only."""
    if isinstance(node, dict):
        if node.get("nullable"):
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
            if "anyOf" in node:
                node["anyOf"] = [*node["anyOf"], {"enum": [None]}]
        for value in node.values():
            _allow_stripe_nulls(value)
    elif isinstance(node, list):
        for value in node:
            _allow_stripe_nulls(value)


def _deprecated_may_go(node: Any) -> None:
    """Supabase marks fields `deprecated` ("Use `status` instead.") yet lists them `required`: a
    deprecated field is on its way out, so an answer without it is valid here."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict) and isinstance(node.get("required"), list):
            gone = {k for k, v in properties.items() if isinstance(v, dict) and v.get("deprecated")}
            node["required"] = [k for k in node["required"] if k not in gone]
        for value in node.values():
            _deprecated_may_go(value)
    elif isinstance(node, list):
        for value in node:
            _deprecated_may_go(value)


@cache
def spec(vendor: str) -> dict[str, Any]:
    document = copy.deepcopy(load_json(SPEC_FILES[vendor]))
    if vendor == "stripe":
        _allow_stripe_nulls(document)
    if vendor == "supabase":
        _deprecated_may_go(document)
    return document


def response_schema(vendor: str, method: str, path: str, status: int) -> dict[str, Any]:
    """The schema the spec gives for `method path` answering `status` (or `default`)."""
    operation = spec(vendor)["paths"][path][method.lower()]
    responses = operation["responses"]
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        raise KeyError(f"{vendor} {method} {path} documents no {status} response")
    return response["content"]["application/json"]["schema"]


def validate(vendor: str, schema: dict[str, Any], body: Any) -> None:
    """Raise ValidationError unless `body` matches `schema` (refs resolved in the spec)."""
    document = spec(vendor)
    root = {**schema, "components": document["components"]}
    validator_class = OAS30Validator if document["openapi"].startswith("3.0") else OAS31Validator
    validator_class(root).validate(body)


def validate_response(vendor: str, method: str, path: str, status: int, body: Any) -> None:
    validate(vendor, response_schema(vendor, method, path, status), body)


def operation(vendor: str, method: str, path: str) -> dict[str, Any]:
    """The spec's operation object (its `parameters` say what a request may carry)."""
    return dict(spec(vendor)["paths"][path][method.lower()])


def validate_resend_error(body: Any) -> None:
    schema = load_json("resend-errors.schema.json")
    Draft202012Validator(schema).validate(body)
