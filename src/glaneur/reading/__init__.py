"""The pages readers see (topic stream, post), composed from the apps below them."""
