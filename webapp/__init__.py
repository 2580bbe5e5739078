"""The FastAPI web app: knowledge API, chat widget demo page and staff console."""
