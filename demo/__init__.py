"""The demo province (Điện Biên): `manage.py seed_demo` loads every domain's demo data. The top
layer: it may import every app, and none imports it."""
