"""qdn: turn a folder of Chinese policy documents into a searchable corpus."""

__version__ = "0.1.0"
