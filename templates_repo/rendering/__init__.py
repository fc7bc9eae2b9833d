"""The safe cookiecutter renderer of the template library.

Lumbung never calls cookiecutter's own machinery to generate a project. Cookiecutter 2.7.1 renders every
context value as a Jinja template in an unsandboxed environment (a value such as
``{{ cycler.__init__.__globals__.os.system('id') }}`` runs a shell command), lets a slug like ``../../x``
or an absolute path write outside the output folder, and keeps a shared replay folder in the home
directory. This package reads the same template layout (``cookiecutter.json`` and a
``{{cookiecutter.project_slug}}/`` folder) and produces the same files as
``cookiecutter <template> --no-input`` for the same context, but:

- context values are validated data, never templates: they cannot contain Jinja delimiters at all;
- file names and contents are rendered in Jinja's ``SandboxedEnvironment``;
- every output path is checked component by component and stays inside the output folder; no symlink is
  followed or created;
- files, bytes, the size of one file and the time spent are limited;
- nothing is written to ``~/.cookiecutters`` or ``~/.cookiecutter_replay``: there is no replay at all.

The deliberate differences from cookiecutter are listed in the docstring of :func:`.render.render_template`.

The package, one concern a module (each imports only the ones listed before it):

- ``schema``: cookiecutter.json read into a parameter schema; the template folder checked
  (TemplateDefinitionError);
- ``context``: a context validated against a schema (Django's ValidationError, by field), and the
  limit of one parameter's text (`text_limit`) that forms take from it;
- ``sandbox``: the Jinja environment and the budget of files, bytes and time (RenderError,
  RenderLimitExceeded, RenderCancelled);
- ``compiled``: a template's files read once per render, and the code Jinja compiles them to, kept per
  process by content hash and sandbox settings (an LRU over versions);
- ``render``: the renderer itself, into memory (``render_tree``) and then a folder (``render_template``);
- ``archive``: zip writing (a render zipped in memory: ``render_archive``), checking and extraction
  (ArchiveError).

Callers use the names below: ``from templates_repo import rendering`` then ``rendering.render_template``.
"""

from .archive import (
    ArchiveError,
    ArchiveInfo,
    RenderedArchive,
    archive_directory,
    check_archive,
    extract_archive,
    render_archive,
)
from .context import LONG_TEXT_LIMITS, MAX_TEXT_LENGTH, check_mapping, text_limit, validate_context
from .render import RenderedTree, RenderResult, render_template, render_tree
from .sandbox import DEFAULT_LIMITS, RenderCancelled, RenderError, RenderLimitExceeded, RenderLimits
from .schema import (
    CONFIG_FILE,
    INTEGER_MAX,
    INTEGER_MIN,
    Parameter,
    ParameterType,
    TemplateDefinitionError,
    load_schema,
    parameter_schema_json,
    template_content_hash,
)

__all__ = [
    "CONFIG_FILE",
    "DEFAULT_LIMITS",
    "INTEGER_MAX",
    "INTEGER_MIN",
    "LONG_TEXT_LIMITS",
    "MAX_TEXT_LENGTH",
    "ArchiveError",
    "ArchiveInfo",
    "Parameter",
    "ParameterType",
    "RenderCancelled",
    "RenderError",
    "RenderLimitExceeded",
    "RenderLimits",
    "RenderResult",
    "RenderedArchive",
    "RenderedTree",
    "TemplateDefinitionError",
    "archive_directory",
    "check_archive",
    "check_mapping",
    "extract_archive",
    "load_schema",
    "parameter_schema_json",
    "render_archive",
    "render_template",
    "render_tree",
    "template_content_hash",
    "text_limit",
    "validate_context",
]
