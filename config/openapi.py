"""The API's error answers in the OpenAPI schema: their bodies, and which operation can give which.

Views name the errors peculiar to them (`responses={409: OpenApiResponse(description="...")}`), and the
hook `add_error_responses` (listed in settings.SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) gives those
their body, and adds the errors that follow from how DRF answers every request, so that no view has to
repeat them:

- 400 where there is something to validate: a request body, or query parameters (filters);
- 401 everywhere: a wrong or expired `Authorization: Token ...` is refused before anything else;
- 403 on writes: the user may not change this (or a session request lacks its CSRF token);
- 404 where the path names an object, or where a list takes a `page` number past the last page;
- 415 where there is a request body: one in a media type the operation does not parse.

It also drops the security requirement of operations that anyone may call (the token endpoint), which
drf-spectacular otherwise derives from the authentication classes alone, and lets a single-choice filter
be sent empty, as django-filter allows.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework.permissions import AllowAny

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}

# Kemendagri codes of provinces ("33") and regencies and cities ("33.25"), as registry.models validates them.
REGION_CODE_PATTERN = r"^\d{2}(\.\d{2})?$"


ERROR_SCHEMA = {
    "type": "object",
    "description": "An error that is not about particular fields.",
    "properties": {"detail": {"type": "string", "readOnly": True}},
    "required": ["detail"],
}

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "The request was not valid: for each field (or `non_field_errors`) its messages, in the language "
        "of the request; a nested object for the errors of nested fields; or `detail` alone when the body "
        "could not be parsed."
    ),
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}, {"type": "string"}]
    },
    "example": {"region": ["Kode wilayah Kemendagri tidak dikenal: 99.99."]},
}

ERROR_DESCRIPTIONS = {
    "400": "The request is not valid; nothing was written.",
    "401": "The credentials are wrong, or required and missing.",
    "403": "The signed-in user may not do this.",
    "404": "No such object (or not one the user may see), or no such page.",
    "415": "The request body is in a media type this operation does not take.",
}


def _error_content(status: str) -> dict:
    # 429's body is the throttles' hook's (config.schema), which runs first.
    schema = {"400": "ValidationError", "429": "Throttled"}.get(status, "Error")
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _response(status: str) -> dict:
    return {"description": ERROR_DESCRIPTIONS[status], "content": _error_content(status)}


def _error_statuses(method: str, operation: dict) -> list[str]:
    parameters = operation.get("parameters", [])
    query = {p["name"] for p in parameters if p.get("in") == "query"}
    has_body = "requestBody" in operation
    statuses = ["401"]
    if has_body or query - {"page", "page_size"}:
        statuses.append("400")
    if method in UNSAFE_METHODS:
        statuses.append("403")
    if "page" in query or any(p.get("in") == "path" for p in parameters):
        statuses.append("404")
    if has_body:
        statuses.append("415")
    return statuses


def _open_operations(generator) -> set[tuple[str, str]]:
    """(path, method) of the operations whose view asks no permission at all."""
    open_operations = set()
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or []:
        view_class = getattr(callback, "cls", None)
        permissions = (getattr(callback, "initkwargs", None) or {}).get(
            "permission_classes", getattr(view_class, "permission_classes", None)
        )
        if permissions is not None and all(permission is AllowAny for permission in permissions):
            open_operations.add((path, method.lower()))
    return open_operations


def _empty_choice_means_no_filter(operation: dict) -> None:
    # django-filter skips a single-choice filter sent empty (`?status=`, what a web form's "all" sends);
    # a true/false filter takes exactly `true` or `false` (catalog.filtersets.TrueFalseFilter), or nothing.
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") != "query":
            continue
        if schema.get("type") == "boolean":
            parameter["schema"] = {"type": "string", "enum": ["true", "false", ""]}
        elif schema.get("type") == "string" and "" not in schema.get("enum", [""]):
            schema["enum"] = [*schema["enum"], ""]


# A character that DRF's trimming (Python's str.strip) keeps, read the same by Python's `re` and by an ECMA
# engine (JSON Schema's dialect): ECMA's \s leaves out \x1c-\x1f and \x85, which Python strips, and includes
# \uFEFF, which Python keeps.
NOT_TRIMMED = r"[^\s\x1c-\x1f\x85]|\uFEFF"


def _text_is_trimmed(schemas: dict) -> None:
    # DRF trims request text, so a required one of only spaces is blank: say it needs a kept character.
    for name, component in schemas.items():
        if not name.endswith("Request"):
            continue
        for field in component.get("properties", {}).values():
            plain = not field.keys() & {"pattern", "format", "enum"}
            if field.get("type") == "string" and field.get("minLength", 0) >= 1 and plain:
                field["pattern"] = NOT_TRIMMED


def add_error_responses(result, generator, request, public):
    """Document the errors every DRF view can answer with (see the module's docstring)."""
    open_operations = _open_operations(generator)
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    schemas["ValidationError"] = VALIDATION_ERROR_SCHEMA
    _text_is_trimmed(schemas)
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            if (path, method) in open_operations:
                operation["security"] = []
            _empty_choice_means_no_filter(operation)
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(method, operation):
                responses.setdefault(status, _response(status))
            for status, response in responses.items():
                # An error a view documented by its description alone has the usual body.
                if status.startswith("4") and "content" not in response:
                    response["content"] = _error_content(status)
    return result


def path_parameter(name: str, *, pattern: str, example: str, description: str) -> OpenApiParameter:
    """A path parameter with the form the URL accepts and a real value, so that clients (and schemathesis)
    can try an object that exists."""
    return OpenApiParameter(
        name,
        {"type": "string", "pattern": pattern},
        OpenApiParameter.PATH,
        description=description,
        examples=[OpenApiExample(example, value=example)],
    )


SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
