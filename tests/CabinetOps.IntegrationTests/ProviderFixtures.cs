// Shared cases sit in abstract classes; each has one subclass per provider (STYLE §4).
global using CabinetOps.TestSupport;
