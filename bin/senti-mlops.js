#!/usr/bin/env node
// The senti-mlops command: the CLI lives in dist/cli/main.js, built with the library so they share code.
import "../dist/cli/main.js";
