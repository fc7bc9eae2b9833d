"""seed_region, escalate_overdue, ensure_demo_admin."""
