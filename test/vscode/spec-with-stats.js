// mocha's spec reporter that also writes the run's counts and the full titles of skipped tests to
// $CNN_STUDIO_STATS_FILE, so that run-all.js can report the unit layer in its closing summary.
const fs = require('node:fs');
const Mocha = require('mocha');

class SpecWithStats extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    runner.on('pending', (test) => skipped.push(test.fullTitle()));
    runner.once('end', () => {
      const file = process.env.CNN_STUDIO_STATS_FILE;
      if (file) fs.writeFileSync(file, JSON.stringify({ passed: runner.stats.passes, failed: runner.stats.failures, skipped }));
    });
  }
}

module.exports = SpecWithStats;
