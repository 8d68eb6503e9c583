"""An independent telecom case: a Guangdong operator's households (see README.md)."""
