"""Sign-in: password lockout and the second factor (URLs under /accounts/)."""
