"""What people look at: the report, its pages and pictures, the linked-data site, text output."""
