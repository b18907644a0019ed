// @ingot/registry: the registry server (being built).
export {};
