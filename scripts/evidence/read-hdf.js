// Reads HDF files with inspecjs (MITRE's HDF parser, used by Heimdall) and prints the
// statuses Heimdall would show per file; throws on a file it cannot read as an evaluation.
// usage: NODE_PATH=.../node_modules node read-hdf.js FILE...
const fs = require('fs');
const inspecjs = require('inspecjs');
for (const f of process.argv.slice(2)) {
  const ctx = inspecjs.convertFileContextual(fs.readFileSync(f, 'utf8'));
  if (!inspecjs.isContextualizedEvaluation(ctx)) throw new Error(f + ': not an evaluation');
  const counts = {};
  for (const p of ctx.contains) for (const c of p.contains) {
    const s = c.hdf.status; counts[s] = (counts[s] || 0) + 1;
  }
  console.log('hdf ok', f, JSON.stringify(counts));
}
