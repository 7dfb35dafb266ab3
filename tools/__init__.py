"""Developer tools: serving the app for the browser tests and the screenshots."""
