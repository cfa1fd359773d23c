#!/usr/bin/env bash
# make demo: hlsq's main job end to end on the bundled jet-tagging MLP (16 -> 64 -> 32 -> 32 -> 5):
# an HLS project with golden vectors from the bit-exact emulator, C simulation with g++ alone that must
# match the emulator bit for bit, and proof that the testbench fails when a single code is wrong.
# Needs `make build` first (the Makefile's demo target does it) and g++.
set -euo pipefail
cd "$(dirname "$0")/.."

HLSQ=(node dist/cli/main.js)
MODEL=examples/jet_tagging_mlp/model.json
OUT=${HLSQ_DEMO_OUT:-build/demo/jet_tagging_mlp}
SAMPLES=${HLSQ_DEMO_SAMPLES:-1000}

if [ ! -f dist/cli/main.js ]; then echo "demo: run 'make build' first" >&2; exit 2; fi
if [ ! -f "$MODEL" ]; then echo "demo: $MODEL is missing" >&2; exit 2; fi

echo "== 1/4  hlsq build: HLS project and golden vectors ($SAMPLES random samples, every layer traced)"
"${HLSQ[@]}" build "$MODEL" --out "$OUT" --samples "$SAMPLES" --seed 1 --trace
echo

echo "== 2/4  hlsq csim: g++ C simulation against hlsq's own ap_fixed headers, bit-exact compare"
"${HLSQ[@]}" csim "$OUT" --verilog
echo

TOP=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$OUT/tb_data/manifest.json','utf8')).top)")
echo "== 3/4  the testbench checks: one expected code changed -> FAIL with the mismatch, exit 1"
BAD=$(mktemp -d)
trap 'rm -rf "$BAD"' EXIT
cp -r "$OUT/tb_data/." "$BAD/"
OUTFILE=$(node -e "const m=JSON.parse(require('fs').readFileSync('$OUT/tb_data/manifest.json','utf8'));console.log(m.tensors.find(t=>t.role==='output').files.hex)")
# flip the lowest bit of the 4th expected code
awk 'NR==4 { d=substr($0,length($0),1); n=index("0123456789abcdef",d)-1; n=(n%2==0)?n+1:n-1; $0=substr($0,1,length($0)-1) substr("0123456789abcdef",n+1,1) } { print }' \
  "$OUT/tb_data/$OUTFILE" > "$BAD/$OUTFILE"
set +e
"$OUT/csim_build/${TOP}_csim" "$BAD" | sed 's/^/   /'
STATUS=${PIPESTATUS[0]}
set -e
echo "   testbench exit status: $STATUS (expected 1)"
[ "$STATUS" = 1 ] || { echo "demo: the corrupted vector was not caught" >&2; exit 1; }
echo

echo "== 4/4  summary"
node - "$OUT" <<'JS'
const fs = require('fs');
const path = require('path');
const out = process.argv[2];
const m = JSON.parse(fs.readFileSync(path.join(out, 'tb_data/manifest.json'), 'utf8'));
const r = JSON.parse(fs.readFileSync(path.join(out, 'tb_data/tb_result.json'), 'utf8'));
const cfg = JSON.parse(fs.readFileSync(path.join(out, 'hlsq-config.json'), 'utf8'));
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
const files = walk(out).filter((f) => !f.includes('csim_build'));
const crypto = require('crypto');
let hashes = 0;
for (const t of [...m.tensors, ...m.trace]) {
  for (const k of ['hex', 'dec']) {
    const h = crypto.createHash('sha256').update(fs.readFileSync(path.join(out, 'tb_data', t.files[k]))).digest('hex');
    if (h !== t.sha256[k]) throw new Error(`sha256 mismatch for ${t.files[k]}`);
    hashes++;
  }
}
console.log(`   project      ${out}: ${files.length} files, top function ${m.top}, ${cfg.layers.length} layers (${cfg.strategy} strategy, reuse factor ${cfg.reuseFactor})`);
for (const l of cfg.layers) console.log(`     ${l.id.padEnd(12)} ${l.kind.padEnd(9)} ${l.result}`);
console.log(`   golden       ${m.samples} samples, ${m.tensors.length} port tensors + ${m.trace.length} traced layers, ${hashes} manifest hashes verified`);
console.log(`   csim         ${r.status.toUpperCase()}: ${r.compared} codes compared (outputs and every layer), ${r.mismatches} mismatches`);
console.log(`   also         ${out}/host/${m.top}.ts (port encoder/decoder), tb/${m.top}_tb.v (Verilog testbench), build_prj.tcl (Vitis HLS)`);
if (r.status !== 'pass') process.exit(1);
JS
if command -v iverilog >/dev/null 2>&1; then
  ( cd "$OUT" && iverilog -g2012 -o csim_build/tb.vvp "tb/${TOP}_tb.v" && vvp -n csim_build/tb.vvp | tail -1 | sed 's/^/   verilog      /' )
fi
