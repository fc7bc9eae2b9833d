"""OpenAPI schema hooks (drf-spectacular), listed in settings.SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]."""

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

THROTTLED_SCHEMA = {
    "type": "object",
    "description": "Too many requests: the client's rate limit was reached, or its sign-in is locked.",
    "properties": {"detail": {"type": "string", "readOnly": True}},
    "required": ["detail"],
}


def add_throttled_responses(result, generator, request, public):
    """Every operation may answer 429: the API's rate limits apply to all of them (and the token
    endpoint also answers 429 while a username is locked out after wrong passwords)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Throttled", THROTTLED_SCHEMA)
    throttled = {
        "description": "Too many requests; retry after the number of seconds in Retry-After.",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before the next request.",
                "schema": {"type": "integer"},
            }
        },
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Throttled"}}},
    }
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                operation.setdefault("responses", {}).setdefault("429", throttled)
    return result
