"""Pages of the template library: `pages` (the templates, the "spin up a copy" form, a copy's progress,
a template's fleet) and `updates` (a copy's updates: prepare, follow, read, download, applied)."""
