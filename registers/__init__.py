"""Registers (sổ văn bản): the outgoing register of each issuer and the incoming register of each unit."""
