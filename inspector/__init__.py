"""inspector: a desktop station for authenticating resale goods."""
