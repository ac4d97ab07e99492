"""Request and response bodies, separate from the tables (app/db/models.py). Every request body
forbids unknown fields, so ids, owners, scores and roles cannot be smuggled in."""
