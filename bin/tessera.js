#!/usr/bin/env node
console.log('stub', process.argv.slice(2));
