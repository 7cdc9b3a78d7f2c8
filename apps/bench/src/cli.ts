#!/usr/bin/env node
console.log('relay-bench: no scenario is built yet');
