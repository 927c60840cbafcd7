"""lexheller."""
