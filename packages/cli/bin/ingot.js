#!/usr/bin/env node
// The ingot command: a thin launcher for the esbuild bundle.
import "../dist/ingot.js";
