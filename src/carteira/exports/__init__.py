"""Tabular output (CSV, XLSX, JSON, plain table), streamed and safe to open in a spreadsheet."""
