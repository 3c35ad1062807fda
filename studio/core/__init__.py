"""The Qt-free core: everything a CLI, a test or the GUI needs to generate and keep drafts."""
