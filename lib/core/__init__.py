"""The core layer every feature package may import: settings, errors, HTTP plumbing, TLS, deadlines.

It imports no other package of `lib` (the layer contract in .importlinter keeps it so).
"""
