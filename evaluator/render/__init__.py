"""Renderers of ``Report.to_dict()``: HTML report, notebook view, JSON, screenshots."""
