// Implemented soon.
