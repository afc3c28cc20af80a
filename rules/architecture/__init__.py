"""Architecture rules (ARC ids): one module per rule, named after its id and name."""
