"""Pure functions behind the course's MkDocs hooks: text in, text out, no MkDocs objects."""
