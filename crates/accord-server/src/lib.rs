//! The HTTP server: the JSON API with its OpenAPI document, and the server-rendered pages.
