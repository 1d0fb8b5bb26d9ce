// Lets mocha run the TypeScript unit tests directly: each .ts file is transpiled by esbuild on require.
const { transformSync } = require('esbuild');
const fs = require('node:fs');
require.extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'inline', sourcefile: filename,
  });
  module._compile(code, filename);
};
