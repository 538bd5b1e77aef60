"""What is computed from searches: trends, figures, citations and copies, stats, export."""
