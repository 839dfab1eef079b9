"""The V2 document model, its YAML/JSON loading with positions, diagnostics and schemas."""
