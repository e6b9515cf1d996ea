"""Commands that write one journal entry each (filled in by the workflow issue)."""
