// Imported once by node.js before the work arrives, so that the ES module loader is ready.
