"""Models of this app land with its issue."""
