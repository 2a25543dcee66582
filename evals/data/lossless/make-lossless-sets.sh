#!/usr/bin/env bash
# Rebuild the ncodec LOSSLESS-AUDIO test sets and the reference `flac -8` measurement.
#
# Usage: make-lossless-sets.sh OUT_DIR AUDIO_DIR
#   OUT_DIR    where speech/, music/, flac-results.tsv, flac-pooled.tsv go (e.g. data-cache/lossless)
#   AUDIO_DIR  the output of shared/data/audio.sh (e.g. data-cache/audio: MANIFEST.tsv, valid/, train/)
# Env: KEEP_WORK=1 keeps the downloaded .debs / npm tarball under OUT_DIR/_work;
#      MEASURE=0 skips the flac measurement (it also needs `apt-get install -y flac`, flac 1.4.2 measured here).
#
# speech/  35 WAV, 16 kHz mono 16-bit, 7.34 min: ALL LibriSpeech utterances of the audio.sh VALID split
#          (26 speakers: 25 train-clean-100 x 1 utterance + test-other speaker 3080 x 10), sample-exact
#          copies of the original LibriSpeech FLACs (CC BY 4.0, Panayotov et al. 2015).
# music/   14 WAV, 16-bit, native rate/channels, 8.29 min, two groups (file-name prefix):
#   lossless-*  8 files, natively lossless sources (WAV/FLAC in the package), copied sample-exact, whole files:
#     csoundqt-examples 1.1.1+dfsg0-1 (Debian, LGPL-2.1+): Examples/SourceMaterials/{Songpan,SynthPad,
#       ClassicalGuitar,violins,choir}.wav  (44.1 kHz stereo; violins is near-dual-mono, L-R <= 8 LSB)
#     sonic-pi-samples 3.2.2~repack-8 (Debian; these two samples CC0, freesound.org): guit_em9.flac (Sub-d,
#       #46992), loop_tabla.flac (lezaarth, #242591)  (44.1 kHz stereo; loop_tabla near-dual-mono)
#     audio-lena 3.0.1 (npm, MIT; audio from freesound.org heshamwhite #246148, Lena Stolze "Oh lad le"):
#       lena.wav (44.1 kHz MONO, sung vocal with band)
#   vorbis-*    6 files, 60 s excerpts of real music tracks shipped as OGG VORBIS, decoded to PCM and rounded
#       to 16 bit (LOSSY ORIGIN: band-limited, codec noise; a fair test signal, but not CD masters):
#     wesnoth-1.16-music 1:1.16.9-1 (Debian, GPL-2+): battle, traveling_minstrels, casualties_of_war (44.1k st.)
#     hyperrogue-music 12.0q-1 (Debian, CC-BY-SA-3.0): hr3-desert (Shawn Parrotte), hr-savino-caribbean
#       (Will Savino)  (44.1 kHz stereo)
#     singularity-music 007-2 (Debian, CC-BY-SA-3.0, Max McCracken): "Media Threat" (48 kHz stereo)
#     excerpt = frames [s, s+60*sr) with s = min(30*sr, (frames-60*sr)//2).
# No registry we can reach ships long natively-lossless CD-quality music; the lossless group is short clips.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OUT_DIR AUDIO_DIR" >&2; exit 2; }
mkdir -p "$1"; OUT="$(cd "$1" && pwd)"; AUD="$(cd "$2" && pwd)"
[ -f "$AUD/MANIFEST.tsv" ] || { echo "no $AUD/MANIFEST.tsv: run shared/data/audio.sh first" >&2; exit 1; }
W="$OUT/_work"; mkdir -p "$W/debs" "$W/ex" "$W/npm"

# --- sources (pinned versions; Debian bookworm via apt-get download, npm via npm pack) ---
DEBS="csoundqt-examples=1.1.1+dfsg0-1 sonic-pi-samples=3.2.2~repack-8 wesnoth-1.16-music=1:1.16.9-1
      hyperrogue-music=12.0q-1 singularity-music=007-2"
cd "$W/debs"
for pv in $DEBS; do p="${pv%%=*}"
  ls "${p}"_*.deb >/dev/null 2>&1 || apt-get download -q "$pv" 2>/dev/null || {
    echo "warning: $pv not available, taking the candidate version of $p" >&2; apt-get download -q "$p"; }
done
for d in *.deb; do n="${d%%_*}"; [ -d "$W/ex/$n" ] || { mkdir -p "$W/ex/$n"; dpkg-deb -x "$d" "$W/ex/$n"; }; done
cd "$W/npm"; [ -f audio-lena-3.0.1.tgz ] || npm pack -q audio-lena@3.0.1 >/dev/null
[ -d package ] || tar xzf audio-lena-3.0.1.tgz

VENV="$OUT/.venv-lossless"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q "numpy<3" "soundfile==0.14.0"

rm -rf "$OUT/speech" "$OUT/music"; mkdir -p "$OUT/speech" "$OUT/music"
"$VENV/bin/python" - "$AUD" "$OUT" "$W" <<'PY'
import hashlib, os, sys
import numpy as np, soundfile as sf
aud, out, w = sys.argv[1:4]
def sha(p): return hashlib.sha256(open(p, 'rb').read()).hexdigest()
def write(path, x, sr):
    assert x.dtype == np.int16
    sf.write(path, x, sr, subtype='PCM_16', format='WAV')
    y, sr2 = sf.read(path, dtype='int16', always_2d=True)           # check the WAV holds exactly x
    assert sr2 == sr and np.array_equal(y, x.reshape(len(x), -1)), path

# speech: every LibriSpeech utterance of audio.sh's valid split, as sample-exact 16-bit WAV
man = open(f'{out}/speech/MANIFEST.tsv', 'w')
man.write('file\tsource\tspeaker\tfrom\tchannels\trate\tframes\tseconds\tsha256\n'); tot = 0
for line in sorted(open(f'{aud}/MANIFEST.tsv').read().splitlines()[1:]):
    split, src, spk, rel, _ = line.split('\t')
    if split != 'valid' or not src.startswith('librispeech'): continue
    x, sr = sf.read(f'{aud}/{rel}', dtype='int16')
    assert sr == 16000 and x.ndim == 1
    name = f"{src.replace('librispeech-', 'ls-')}_{os.path.basename(rel)[:-5]}.wav"
    write(f'{out}/speech/{name}', x, sr); tot += len(x) / sr
    man.write(f'{name}\t{src}\t{spk}\taudio/{rel}\t1\t{sr}\t{len(x)}\t{len(x)/sr:.3f}\t{sha(f"{out}/speech/{name}")}\n')
man.close(); print(f'speech: {tot/60:.2f} min')

# music
E = f'{w}/ex'
SM = f'{E}/csoundqt-examples/usr/share/csoundqt/Examples/SourceMaterials'
SP = f'{E}/sonic-pi-samples/usr/share/sonic-pi/samples'
WM = f'{E}/wesnoth-1.16-music/usr/share/games/wesnoth/1.16/data/core/music'
HR = f'{E}/hyperrogue-music/usr/share/hyperrogue/music'
SG = f'{E}/singularity-music/usr/share/games/singularity/music'
LL = [  # (out name, package, licence, path)
    ('lossless-csoundqt-Songpan', 'csoundqt-examples 1.1.1+dfsg0-1', 'LGPL-2.1+', f'{SM}/Songpan.wav'),
    ('lossless-csoundqt-SynthPad', 'csoundqt-examples 1.1.1+dfsg0-1', 'LGPL-2.1+', f'{SM}/SynthPad.wav'),
    ('lossless-csoundqt-ClassicalGuitar', 'csoundqt-examples 1.1.1+dfsg0-1', 'LGPL-2.1+', f'{SM}/ClassicalGuitar.wav'),
    ('lossless-csoundqt-violins', 'csoundqt-examples 1.1.1+dfsg0-1', 'LGPL-2.1+', f'{SM}/violins.wav'),
    ('lossless-csoundqt-choir', 'csoundqt-examples 1.1.1+dfsg0-1', 'LGPL-2.1+', f'{SM}/choir.wav'),
    ('lossless-sonicpi-guit_em9', 'sonic-pi-samples 3.2.2~repack-8', 'CC0-1.0 (freesound #46992, Sub-d)', f'{SP}/guit_em9.flac'),
    ('lossless-sonicpi-loop_tabla', 'sonic-pi-samples 3.2.2~repack-8', 'CC0-1.0 (freesound #242591, lezaarth)', f'{SP}/loop_tabla.flac'),
    ('lossless-audiolena-lena', 'npm audio-lena 3.0.1', 'MIT (package); audio freesound #246148', f'{w}/npm/package/lena.wav'),
]
VB = [
    ('vorbis-wesnoth-battle', 'wesnoth-1.16-music 1:1.16.9-1', 'GPL-2+', f'{WM}/battle.ogg'),
    ('vorbis-wesnoth-traveling_minstrels', 'wesnoth-1.16-music 1:1.16.9-1', 'GPL-2+', f'{WM}/traveling_minstrels.ogg'),
    ('vorbis-wesnoth-casualties_of_war', 'wesnoth-1.16-music 1:1.16.9-1', 'GPL-2+', f'{WM}/casualties_of_war.ogg'),
    ('vorbis-hyperrogue-hr3-desert', 'hyperrogue-music 12.0q-1', 'CC-BY-SA-3.0 (Shawn Parrotte)', f'{HR}/hr3-desert.ogg'),
    ('vorbis-hyperrogue-hr-savino-caribbean', 'hyperrogue-music 12.0q-1', 'CC-BY-SA-3.0 (Will Savino)', f'{HR}/hr-savino-caribbean.ogg'),
    ('vorbis-singularity-Media_Threat', 'singularity-music 007-2', 'CC-BY-SA-3.0 (Max McCracken)', f'{SG}/Media Threat.ogg'),
]
man = open(f'{out}/music/MANIFEST.tsv', 'w')
man.write('file\tgroup\tpackage\tlicence\tfrom\tstart_frame\tchannels\trate\tframes\tseconds\tsha256\n'); tot = 0
def put(name, grp, pkg, lic, path, x, sr, start):
    global tot
    f = f'{out}/music/{name}.wav'; write(f, x, sr); tot += len(x) / sr
    rel = path.split('/usr/share/', 1)[-1] if '/usr/share/' in path else 'package/' + os.path.basename(path)
    man.write(f'{name}.wav\t{grp}\t{pkg}\t{lic}\t{rel}\t{start}\t{x.shape[1]}\t{sr}\t{len(x)}\t{len(x)/sr:.3f}\t{sha(f)}\n')
for name, pkg, lic, path in LL:
    i = sf.info(path); assert i.subtype == 'PCM_16', (path, i.subtype)
    x, sr = sf.read(path, dtype='int16', always_2d=True)
    assert len(x) <= 60 * sr
    put(name, 'lossless', pkg, lic, path, x, sr, 0)
for name, pkg, lic, path in VB:
    x, sr = sf.read(path, dtype='float32', always_2d=True)          # whole-file decode (no seeking)
    n = 60 * sr; s = min(30 * sr, (len(x) - n) // 2) if len(x) > n else 0
    y = np.clip(np.rint(x[s:s + n].astype(np.float64) * 32768.0), -32768, 32767).astype(np.int16)
    put(name, 'vorbis-decoded', pkg, lic, path, y, sr, s)
man.close(); print(f'music: {tot/60:.2f} min')
PY

# --- reference measurement: flac -8 (no padding/seektable) and flac -8 with defaults ---
if [ "${MEASURE:-1}" = 1 ]; then
  command -v flac >/dev/null || { echo "flac not installed (apt-get install -y flac); skipping measurement" >&2; MEASURE=0; }
fi
if [ "${MEASURE:-1}" = 1 ]; then
"$VENV/bin/python" - "$OUT" <<'PY'
import glob, os, subprocess, sys, tempfile, time
import numpy as np, soundfile as sf
out = sys.argv[1]; tmp = tempfile.mkdtemp(prefix='flacm-')
ver = subprocess.run(['flac', '--version'], capture_output=True, text=True).stdout.strip()
def best(cmd, n=3):
    t = []
    for _ in range(n):
        t0 = time.perf_counter(); subprocess.run(cmd, check=True, capture_output=True); t.append(time.perf_counter() - t0)
    return min(t)
rows = []; pooled = {}
for folder in ('speech', 'music'):
    for wav in sorted(glob.glob(f'{out}/{folder}/*.wav')):
        x, sr = sf.read(wav, dtype='int16', always_2d=True); frames, ch = x.shape
        fl = f'{tmp}/a.flac'; fd = f'{tmp}/d.flac'; dec = f'{tmp}/a.wav'
        enc_s = best(['flac', '-8', '--no-padding', '--no-seektable', '-f', '-s', '-o', fl, wav])
        dec_s = best(['flac', '-d', '-f', '-s', '-o', dec, fl])
        y, _ = sf.read(dec, dtype='int16', always_2d=True); assert np.array_equal(x, y), wav
        subprocess.run(['flac', '-8', '-f', '-s', '-o', fd, wav], check=True)
        b, bd = os.path.getsize(fl), os.path.getsize(fd); n = frames * ch
        grp = folder if folder == 'speech' else folder + '/' + os.path.basename(wav).split('-')[0]
        for g in {folder, grp}:
            p = pooled.setdefault(g, [0, 0, 0, 0, 0.0, 0.0, 0]); p[0] += b; p[1] += bd; p[2] += n; p[3] += 1
            p[4] += enc_s; p[5] += dec_s; p[6] += frames / sr
        rows.append(f'{folder}/{os.path.basename(wav)}\t{ch}\t{sr}\t{frames}\t{b}\t{b*8/n:.4f}\t{enc_s:.3f}\t{dec_s:.3f}\t{bd}\t{bd*8/n:.4f}')
with open(f'{out}/flac-results.tsv', 'w') as f:
    f.write('file\tchannels\trate\tframes\tflac8_bytes\tbits_per_sample\tencode_s\tdecode_s\tflac8_default_bytes\tdefault_bits_per_sample\n')
    f.write('\n'.join(rows) + '\n')
with open(f'{out}/flac-pooled.tsv', 'w') as f:
    f.write(f'# {ver}; flac8 = flac -8 --no-padding --no-seektable; default = flac -8 (8 KiB padding + seektable);'
            ' bits/sample = sum(bytes)*8 / sum(frames*channels); times = sum over files of best-of-3 wall time of the flac CLI\n')
    f.write('set\tfiles\tseconds\tsamples\tflac8_bytes\tbits_per_sample\tflac8_default_bytes\tdefault_bits_per_sample\tencode_s\tdecode_s\n')
    for g in sorted(pooled):
        b, bd, n, k, e, d, s = pooled[g]
        f.write(f'{g}\t{k}\t{s:.1f}\t{n}\t{b}\t{b*8/n:.4f}\t{bd}\t{bd*8/n:.4f}\t{e:.2f}\t{d:.2f}\n')
print(open(f'{out}/flac-pooled.tsv').read())
for p in glob.glob(f'{tmp}/*'): os.remove(p)
os.rmdir(tmp)
PY
fi
[ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$W"
echo "lossless sets ready in $OUT"
