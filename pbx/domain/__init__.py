"""Pure domain rules of the Telefooncentrale: plain data in, plain data out, no Django import
(a ruff rule, TID251, keeps it so)."""
