"""The duty officer's console (Textual), built on HubClient."""
