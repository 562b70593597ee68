"""What leaves and enters the app as files: the JSON export and its import, the Markdown export
for an email, and the mentor's feedback."""
